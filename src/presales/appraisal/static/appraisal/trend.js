(function () {
  const labels = document.currentScript.dataset;
  const el = document.getElementById("chart-trend");
  if (!window.echarts || !el) return;
  const d = JSON.parse(document.getElementById("trend-chart").textContent);
  const c = echarts.init(el);
  c.setOption({grid: {left: 36, right: 12, top: 16, bottom: 36}, tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: d.labels}, yAxis: {type: "value", min: 0, max: 100},
    series: [{name: labels.final, type: "line", data: d.totals, connectNulls: true, label: {show: true}, itemStyle: {color: "#0d6efd"}}]});
  window.addEventListener("resize", () => c.resize());
})();
