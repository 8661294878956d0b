// Charts of the forecast pages (model, traits). Data from json_script elements, translated labels
// from the data attributes of #forecast-labels: no inline script (Content-Security-Policy).
(function () {
  const L = (document.getElementById("forecast-labels") || {dataset: {}}).dataset;
  if (!window.echarts) return;
  const charts = [];
  const cal = document.getElementById("chart-calibration");
  const calData = document.getElementById("calibration-data");
  if (cal && calData) {
    const d = JSON.parse(calData.textContent);
    const c = echarts.init(cal);
    c.setOption({grid: {left: 48, right: 16, top: 28, bottom: 40}, tooltip: {trigger: "item"},
      legend: {top: 0},
      xAxis: {type: "value", min: 0, max: 1, name: L.predicted, nameLocation: "middle", nameGap: 26},
      yAxis: {type: "value", min: 0, max: 1},
      series: [
        {name: L.perfect, type: "line", data: [[0, 0], [1, 1]], symbol: "none", lineStyle: {type: "dashed", color: "#adb5bd"}},
        {name: L.observed, type: "scatter", data: d.bins.map(b => [b.predicted, b.observed, b.count]),
         symbolSize: v => Math.max(6, Math.min(30, 4 + Math.sqrt(v[2]) * 2)), itemStyle: {color: "#0d6efd"}}
      ]});
    charts.push(c);
  }
  const pipe = document.getElementById("chart-pipeline");
  const pipeData = document.getElementById("pipeline-data");
  if (pipe && pipeData) {
    const d = JSON.parse(pipeData.textContent);
    const c = echarts.init(pipe);
    c.setOption({grid: {left: 80, right: 16, top: 28, bottom: 28}, tooltip: {trigger: "axis"}, legend: {top: 0},
      xAxis: {type: "category", data: d.labels}, yAxis: {type: "value"},
      series: [{name: L.amount, type: "bar", data: d.amount, itemStyle: {color: "#adb5bd"}},
               {name: L.weighted, type: "bar", data: d.weighted, itemStyle: {color: "#198754"}}]});
    charts.push(c);
  }
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
(function () {
  const L = (document.getElementById("forecast-labels") || {dataset: {}}).dataset;
  const el = document.getElementById("chart-traits");
  const data = document.getElementById("traits-data");
  if (!window.echarts || !el || !data) return;
  const d = JSON.parse(data.textContent);
  const labels = [], rates = [];
  d.traits.forEach(t => t.values.forEach((v, i) => { labels.push(t.label + " · " + v); rates.push(t.win_rate[i]); }));
  const c = echarts.init(el);
  c.setOption({grid: {left: 220, right: 24, top: 8, bottom: 24}, tooltip: {trigger: "axis"},
    xAxis: {type: "value", max: 100}, yAxis: {type: "category", data: labels, inverse: true, axisLabel: {fontSize: 10}},
    dataZoom: [{type: "slider", yAxisIndex: 0, right: 0, start: 0, end: labels.length > 24 ? Math.round(2400 / labels.length) : 100}],
    series: [{name: L.rate, type: "bar", data: rates, itemStyle: {color: "#0d6efd"}}]});
  window.addEventListener("resize", () => c.resize());
})();
