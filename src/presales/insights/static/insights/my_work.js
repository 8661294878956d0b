(function () {
  if (!window.echarts) return;
  const data = JSON.parse(document.getElementById("my-work-charts").textContent);
  const labels = document.currentScript.dataset;
  const inTime = labels.inTime, late = labels.late, open = labels.open, overdue = labels.overdue;
  function chart(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const c = echarts.init(el);
    c.setOption(Object.assign({grid: {left: 36, right: 12, top: 28, bottom: 28}, tooltip: {trigger: "axis"}}, option));
    window.addEventListener("resize", () => c.resize());
  }
  chart("chart-status", {
    xAxis: {type: "category", data: data.status.labels, axisLabel: {interval: 0}}, yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: data.status.values, itemStyle: {color: "#0d6efd"}}],
  });
  chart("chart-responses", {
    legend: {top: 0}, xAxis: {type: "category", data: data.responses.labels}, yAxis: {type: "value", minInterval: 1},
    series: [{name: inTime, type: "bar", stack: "r", data: data.responses.met, itemStyle: {color: "#198754"}},
             {name: late, type: "bar", stack: "r", data: data.responses.late, itemStyle: {color: "#dc3545"}}],
  });
  const team = document.getElementById("team-chart");
  if (team) {
    const t = JSON.parse(team.textContent);
    chart("chart-workload", {
      legend: {top: 0}, xAxis: {type: "category", data: t.labels, axisLabel: {interval: 0, rotate: 30}},
      yAxis: {type: "value", minInterval: 1}, grid: {left: 36, right: 12, top: 28, bottom: 60},
      series: [{name: open, type: "bar", data: t.open, itemStyle: {color: "#0d6efd"}},
               {name: overdue, type: "bar", data: t.overdue, itemStyle: {color: "#dc3545"}}],
    });
  }
})();
