(function () {
  const labels = document.currentScript.dataset;
  if (!window.echarts) return;
  const d = JSON.parse(document.getElementById(labels.jsonId).textContent);
  const el = document.getElementById(labels.chartId);
  const c = echarts.init(el);
  c.setOption({grid: {left: 36, right: 36, top: 28, bottom: 28}, tooltip: {trigger: "axis"}, legend: {top: 0},
    xAxis: {type: "category", data: d.labels},
    yAxis: [{type: "value", min: -1, max: 1}, {type: "value", minInterval: 1}],
    series: [{name: labels.avg, type: "line", data: d.averages, itemStyle: {color: "#0d6efd"}},
             {name: labels.reports, type: "bar", yAxisIndex: 1, data: d.totals, itemStyle: {color: "#ced4da"}}]});
  window.addEventListener("resize", () => c.resize());
})();
