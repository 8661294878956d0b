(function () {
  function frac(v) { if (v.indexOf("/") >= 0) { const p = v.split("/"); return parseFloat(p[0]) / parseFloat(p[1]); } return parseFloat(v); }
  function show(x) { if (Math.abs(x - Math.round(x)) < 1e-9) return String(Math.round(x)); const inv = 1 / x; if (Math.abs(inv - Math.round(inv)) < 1e-9) return "1/" + Math.round(inv); return x.toFixed(2); }
  function mirrors() {
    document.querySelectorAll(".ahp-mirror").forEach(function (td) {
      const sel = document.querySelector("select[name='" + td.dataset.of + "']");
      if (sel) td.textContent = show(1 / frac(sel.value));
    });
  }
  document.addEventListener("change", function (e) { if (e.target.classList.contains("ahp-cell")) mirrors(); });
  mirrors();
  const data = document.getElementById("ahp-chart-data");
  const el = document.getElementById("ahp-chart");
  if (data && el && window.echarts) {
    const rows = JSON.parse(data.textContent);
    const chart = echarts.init(el);
    chart.setOption({ grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }).reverse() },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }).reverse(), label: { show: true, position: "right", formatter: "{c}%" } }] });
  }
})();
