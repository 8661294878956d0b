(function () {
  if (!window.echarts) return;
  const d = JSON.parse(document.getElementById("award-chart").textContent);
  const c = echarts.init(document.getElementById("chart-award"));
  c.setOption({grid: {left: 36, right: 12, top: 16, bottom: 60}, tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: d.labels, axisLabel: {interval: 0, rotate: 20}}, yAxis: {type: "value", min: 0, max: 40},
    series: [{type: "bar", data: d.values, itemStyle: {color: "#ffc107"}}]});
  window.addEventListener("resize", () => c.resize());
})();
