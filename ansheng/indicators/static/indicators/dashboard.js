/* 安生: the indicator dashboard charts (ECharts): progress to target, county comparison, trends. */
(function () {
  "use strict";
  var holder = document.getElementById("indicator-data");
  if (!holder || !window.echarts) return;
  var data = JSON.parse(holder.textContent);
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  var colours = {attained: "#2e7d32", on_track: "#00796b", missed: "#d32f2f", off_track: "#ef6c00", no_data: "#90a4ae", not_started: "#90a4ae"};
  var charts = [];
  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  var items = data.indicators;
  make("progress-chart", {
    grid: {left: 190, right: 40, top: 10, bottom: 30},
    tooltip: {trigger: "item", formatter: function (p) { var i = items[p.dataIndex]; return p.name + "<br>" + (i.progress === null ? "—" : i.progress + "%"); }},
    xAxis: {type: "value", min: -100, max: 200, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", inverse: true, data: items.map(function (i) { return i.no + ". " + i.name; }),
            axisLabel: {width: 180, overflow: "truncate"}},
    series: [{type: "bar", data: items.map(function (i) { return {value: i.bar, itemStyle: {color: colours[i.status]}}; }),
              markLine: {symbol: "none", data: [{xAxis: 100}], lineStyle: {color: "#b71c1c", type: "dashed"}, label: {formatter: zh ? "目标" : "target"}}}]
  });
  var county = make("county-chart", {});
  function showCounty(no) {
    if (!county) return;
    var rows = data.counties[no] || [];
    var item = items.filter(function (i) { return String(i.no) === String(no); })[0] || {};
    county.setOption({
      grid: {left: 110, right: 30, top: 10, bottom: 30}, tooltip: {trigger: "axis"},
      xAxis: {type: "value", name: item.unit || ""},
      yAxis: {type: "category", inverse: true, data: rows.map(function (r) { return r.name; })},
      series: [{type: "bar", name: item.name, data: rows.map(function (r) { return {value: r.value, itemStyle: {color: colours[r.status]}}; })},
               {type: "scatter", name: zh ? "基期" : "baseline", data: rows.map(function (r) { return r.baseline; }), symbol: "diamond", symbolSize: 10, itemStyle: {color: "#37474f"}}]
    }, true);
  }
  var select = document.getElementById("county-indicator");
  if (select) { select.addEventListener("change", function () { showCounty(select.value); }); showCounty(select.value); }
  items.forEach(function (i) {
    var years = data.years.map(String);
    var values = years.map(function (y) { return i.yearly[y]; });
    var series = [{type: i.compare === "period_total" ? "bar" : "line", name: i.name, data: values,
                   itemStyle: {color: function (p) { var y = +years[p.dataIndex]; return y < data.plan.start ? "#90a4ae" : "#1565c0"; }}}];
    if (i.target !== null && i.compare !== "period_total") {
      series.push({type: "line", name: zh ? "目标" : "target", data: years.map(function (y) { return +y === data.plan.end ? i.target : null; }),
                   symbol: "triangle", symbolSize: 12, itemStyle: {color: "#b71c1c"}});
    }
    make("trend-" + i.no, {grid: {left: 45, right: 10, top: 15, bottom: 25}, tooltip: {trigger: "axis"},
      xAxis: {type: "category", data: years}, yAxis: {type: "value", scale: i.compare !== "period_total"}, series: series});
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
