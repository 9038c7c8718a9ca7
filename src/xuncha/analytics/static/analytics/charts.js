// 统计分析 charts: ECharts over the JSON block of the page; a bar opens the list behind it.
(function () {
  "use strict";
  function option(spec) {
    var pie = spec.series.length === 1 && spec.series[0].type === "pie";
    if (!spec.series.length) { return null; }
    if (pie) {
      var colours = ["#c0392b", "#e0a800", "#2e8b57"];
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "65%"], name: spec.series[0].name,
          data: spec.categories.map(function (c, i) {
            return { name: c, value: spec.series[0].data[i], itemStyle: { color: colours[i] } };
          })
        }]
      };
    }
    var horizontal = spec.categories.length > 6 && spec.series[0].type === "bar";
    var category = { type: "category", data: spec.categories,
      axisLabel: { interval: horizontal ? 0 : "auto", hideOverlap: true, width: 110, overflow: "truncate" } };
    var value = { type: "value", max: spec.percent ? 100 : null };
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: horizontal ? 120 : 40, right: 20, top: 36, bottom: 30, containLabel: false },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({ inverse: true }, category) : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: s.type, data: s.data, stack: s.stack || undefined, cursor: "pointer",
                 barMaxWidth: 40 };
      })
    };
  }
  function draw() {
    var block = document.getElementById("analytics-data");
    if (!block || !window.echarts) { return; }
    var specs = JSON.parse(block.textContent);
    var charts = [];
    specs.forEach(function (spec) {
      var el = document.getElementById("chart-" + spec.key);
      if (!el) { return; }
      if (!spec.categories.length) {
        el.classList.add("empty");
        el.textContent = spec.note || "暂无数据";
        return;
      }
      if (spec.categories.length > 6 && spec.series.length && spec.series[0].type === "bar") {
        el.style.height = Math.max(260, spec.categories.length * 28 + 70) + "px";
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(spec));
      chart.on("click", function (params) {
        var link = spec.links[params.dataIndex];
        if (link) { window.location.assign(link); }
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
