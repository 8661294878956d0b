// Manager dashboard charts. Data comes from the json_script element "dashboard-charts"; no inline
// script on the page (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!window.echarts || !source) return;
  var data = JSON.parse(source.textContent);
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el);
    c.setOption(Object.assign({grid: {left: 48, right: 48, top: 36, bottom: 36, containLabel: true},
                               tooltip: {trigger: "axis"}}, option));
    charts.push(c);
  }

  chart("chart-pipeline", {
    legend: {top: 0},
    xAxis: {type: "category", data: data.pipeline.labels, axisLabel: {interval: 0}},
    yAxis: [{type: "value", minInterval: 1}, {type: "value", splitLine: {show: false}}],
    series: [
      {name: data.pipeline.names.count, type: "bar", data: data.pipeline.counts, itemStyle: {color: "#0d6efd"}},
      {name: data.pipeline.names.amount, type: "line", yAxisIndex: 1, data: data.pipeline.amounts,
       itemStyle: {color: "#fd7e14"}},
    ],
  });
  chart("chart-sla", {
    legend: {top: 0},
    xAxis: {type: "category", data: data.sla.labels},
    yAxis: {type: "value", minInterval: 1},
    series: [
      {name: data.sla.names.met, type: "bar", data: data.sla.met, itemStyle: {color: "#198754"}},
      {name: data.sla.names.breached, type: "line", data: data.sla.breached, itemStyle: {color: "#dc3545"}},
    ],
  });
  chart("chart-poc", {
    tooltip: {trigger: "item"},
    series: [{type: "funnel", sort: "none", left: "10%", width: "80%", top: 10, bottom: 10,
              label: {show: true, position: "inside", formatter: "{b}: {c}"}, data: data.poc.steps}],
  });
  chart("chart-workload", {
    legend: {top: 0},
    xAxis: {type: "category", data: data.workload.labels, axisLabel: {interval: 0, rotate: 30}},
    yAxis: {type: "value", minInterval: 1},
    series: data.workload.series.map(function (s) { return {name: s.name, type: "bar", stack: "w", data: s.data}; }),
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
