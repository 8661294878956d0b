(function () {
  const labels = document.currentScript.dataset;
  if (!window.echarts) return;
  const d = JSON.parse(document.getElementById("ranking-chart").textContent);
  function chart(id, option) {
    const el = document.getElementById(id); if (!el) return;
    const c = echarts.init(el);
    c.setOption(Object.assign({grid: {left: 36, right: 12, top: 16, bottom: 28}, tooltip: {trigger: "axis"}}, option));
    window.addEventListener("resize", () => c.resize());
  }
  chart("chart-grades", {xAxis: {type: "category", data: d.grades}, yAxis: {type: "value", minInterval: 1},
    series: [{name: labels.people, type: "bar", data: d.grade_counts, itemStyle: {color: "#0d6efd"}}]});
  chart("chart-totals", {xAxis: {type: "category", data: d.bins, axisLabel: {interval: 0, rotate: 30}}, yAxis: {type: "value", minInterval: 1},
    grid: {left: 36, right: 12, top: 16, bottom: 48},
    series: [{name: labels.people, type: "bar", data: d.bin_counts, itemStyle: {color: "#198754"}}]});
})();
