/* History chart of a monitoring point (ECharts, zoomable) and the alarms-per-day chart. */
(function () {
  "use strict";
  function colourOf(name) { return getComputedStyle(document.documentElement).getPropertyValue("--" + name).trim() || name; }

  function historyChart(el) {
    var chart = echarts.init(el, null, { locale: "ZH" });
    var url = el.dataset.url, unit = el.dataset.unit || "";
    var labels = JSON.parse(el.dataset.labels || "{}");
    function load(hours) {
      var end = new Date(), start = new Date(end.getTime() - hours * 3600 * 1000);
      fetch(url + "?start=" + encodeURIComponent(start.toISOString()) + "&end=" + encodeURIComponent(end.toISOString()),
            { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) { draw(body); });
    }
    function draw(body) {
      var marks = [];
      ["ll", "l", "h", "hh"].forEach(function (k) {
        var v = body.thresholds && body.thresholds[k];
        if (v !== null && v !== undefined) {
          marks.push({ yAxis: v, name: k.toUpperCase(), lineStyle: { color: (k === "hh" || k === "ll") ? colourOf("red") : colourOf("orange"), type: "dashed" },
                       label: { formatter: k.toUpperCase() + " " + v } });
        }
      });
      var series;
      if (body.resolution === "raw") {
        series = [{ name: labels.value, type: "line", showSymbol: false, sampling: "lttb", data: body.data,
                    markLine: { symbol: "none", data: marks } }];
      } else {
        series = [
          { name: labels.max, type: "line", showSymbol: false, data: body.data.map(function (r) { return [r[0], r[2]]; }), lineStyle: { type: "dotted", width: 1 } },
          { name: labels.avg, type: "line", showSymbol: false, data: body.data.map(function (r) { return [r[0], r[3]]; }), markLine: { symbol: "none", data: marks } },
          { name: labels.min, type: "line", showSymbol: false, data: body.data.map(function (r) { return [r[0], r[1]]; }), lineStyle: { type: "dotted", width: 1 } }
        ];
      }
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 50, right: 30, top: 30, bottom: 70 },
        xAxis: { type: "time" },
        yAxis: { type: "value", name: unit, scale: true },
        dataZoom: [{ type: "inside" }, { type: "slider" }],
        series: series,
        title: body.data.length ? undefined : { text: labels.empty, left: "center", top: "middle", textStyle: { color: "#999", fontSize: 14 } }
      }, true);
      var note = document.getElementById("chart-resolution");
      if (note) { note.textContent = labels[body.resolution] || body.resolution; }
    }
    document.querySelectorAll("[data-range]").forEach(function (b) {
      b.addEventListener("click", function () {
        document.querySelectorAll("[data-range]").forEach(function (x) { x.classList.remove("primary"); });
        b.classList.add("primary");
        load(parseFloat(b.dataset.range));
      });
    });
    load(parseFloat(el.dataset.hours || "6"));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function perDayChart(el) {
    var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var chart = echarts.init(el, null, { locale: "ZH" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 40, right: 20, top: 30, bottom: 60 },
      xAxis: { type: "category", data: data.dates },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: [{ type: "inside" }, { type: "slider" }],
      series: data.series.map(function (s) { return { name: s.label, type: "bar", stack: "n", data: s.data, itemStyle: { color: colourOf(s.colour) } }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-chart=history]").forEach(historyChart);
  document.querySelectorAll("[data-chart=per-day]").forEach(perDayChart);
})();
