// 统计分析 charts: ECharts over the JSON block of the page; a bar opens the list behind it.
(function () {
  "use strict";
  // Bars lie down when there are many, or when their names are long (a round's name is): each
  // name then has its own line instead of being hidden to avoid overlapping its neighbours.
  function isHorizontal(spec) {
    var longest = Math.max.apply(null, spec.categories.map(function (c) { return String(c).length; }));
    return spec.series[0].type === "bar" && (spec.categories.length > 6 || (spec.categories.length > 2 && longest > 6));
  }
  // Tooltips are drawn by ECharts itself (renderMode "richText") rather than as HTML: its HTML
  // tooltip writes style="…" attributes, which the site's CSP (style-src 'self') refuses, so it
  // showed unstyled and filled the console with errors.
  function tooltip(trigger, spec) {
    return {
      trigger: trigger, renderMode: "richText", confine: true,
      backgroundColor: "#ffffff", borderColor: "#8a97a8", borderWidth: 1, padding: [6, 10],
      textStyle: { color: "#1f2933", fontSize: 13, lineHeight: 20 },
      valueFormatter: function (v) { return v == null ? "—" : (spec.percent ? v + "%" : String(v)); }
    };
  }
  function option(spec, narrow) {
    var pie = spec.series.length === 1 && spec.series[0].type === "pie";
    if (!spec.series.length) { return null; }
    if (pie) {
      var colours = ["#c0392b", "#e0a800", "#2e8b57"];
      return {
        tooltip: tooltip("item", spec),
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "65%"], name: spec.series[0].name,
          data: spec.categories.map(function (c, i) {
            return { name: c, value: spec.series[0].data[i], itemStyle: { color: colours[i] } };
          })
        }]
      };
    }
    var horizontal = isHorizontal(spec);
    var category = { type: "category", data: spec.categories,
      axisLabel: { interval: horizontal ? 0 : "auto", hideOverlap: !horizontal,
                   width: horizontal && !narrow ? 150 : 96, overflow: "truncate" } };
    var value = { type: "value", max: spec.percent ? 100 : null };
    return {
      tooltip: tooltip("axis", spec),
      legend: { top: 0 },
      grid: { left: horizontal ? (narrow ? 104 : 160) : 40, right: 20, top: 36, bottom: 30, containLabel: false },
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
      if (spec.series.length && isHorizontal(spec)) {
        el.style.height = Math.max(260, spec.categories.length * 28 + 70) + "px";
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(spec, el.clientWidth < 480));
      var open = function (index) {
        var link = spec.links[index];
        if (link) { window.location.assign(link); }
      };
      if (spec.series[0].type === "pie") {
        chart.on("click", function (params) { open(params.dataIndex); });
      } else {
        // A click anywhere in a category's column opens its list: a short bar is easy to hit,
        // and the axis pointer drawn under the mouse never swallows the click.
        chart.getZr().on("click", function (event) {
          var point = [event.offsetX, event.offsetY];
          if (!chart.containPixel("grid", point)) { return; }
          var at = chart.convertFromPixel("grid", point);
          open(Math.round(isHorizontal(spec) ? at[1] : at[0]));
        });
      }
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
