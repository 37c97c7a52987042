/* The command dashboard: draws the panels (the panel protocol, docs/dashboard.md) and refreshes them in place. */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (f, a) { return f.replace(/%s/g, function () { return a.shift(); }); };
  var script = document.currentScript;
  var api = script.getAttribute("data-api");
  var region = script.getAttribute("data-region");
  var countyLink = script.getAttribute("data-county-link");
  var COLOURS = {
    red: "#ff5252", orange: "#ff9800", yellow: "#ffd600", blue: "#40a4ff",
    green: "#00e676", teal: "#1de9b6", purple: "#b388ff", grey: "#90a4ae"
  };
  var SERIES = ["#40a4ff", "#1de9b6", "#ffd600", "#ff9800", "#b388ff", "#ff5252", "#90a4ae", "#00e676"];
  var INK = "#cfe8fc", MUTED = "#8fb3cf", LINE = "#1d4466";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function number(value) {
    if (value === null || value === undefined || value === "") { return "—"; }
    if (typeof value === "number") {
      return Math.abs(value) >= 1000 ? value.toLocaleString("zh-CN") : String(Math.round(value * 100) / 100);
    }
    return String(value);
  }

  function stat(item) {
    var box = el(item.link ? "a" : "div", "stat" + (item.colour ? " " + item.colour : ""));
    if (item.link) { box.href = item.link; box.target = "_blank"; }
    if (item.hint) { box.title = item.hint; }
    var n = el("span", "n", number(item.value));
    box.appendChild(n);
    if (item.unit) { box.appendChild(el("span", "u", item.unit)); }
    box.appendChild(el("span", "l", item.label));
    return box;
  }

  function axisStyle() {
    return {axisLine: {lineStyle: {color: LINE}}, axisLabel: {color: MUTED, fontSize: 12},
            splitLine: {lineStyle: {color: "rgba(29,68,102,.5)"}}};
  }

  function chartOption(panel) {
    var base = {backgroundColor: "transparent", textStyle: {color: INK, fontFamily: "Noto Sans CJK SC, sans-serif"},
                tooltip: {trigger: panel.kind === "pie" ? "item" : "axis", confine: true}, animationDuration: 500};
    if (panel.kind === "pie") {
      base.legend = {bottom: 0, textStyle: {color: MUTED}, itemWidth: 12, itemHeight: 10};
      base.series = [{
        type: "pie", radius: ["42%", "68%"], center: ["50%", "45%"], avoidLabelOverlap: true,
        label: {color: INK, formatter: "{b}\n{c}" + (panel.unit || "")},
        data: panel.items.map(function (item, i) {
          return {name: item.label, value: item.value, itemStyle: {color: COLOURS[item.colour] || SERIES[i % SERIES.length]}};
        })
      }];
      return base;
    }
    var horizontal = panel.kind === "bar" && panel.horizontal;
    var categoryAxis = Object.assign({type: "category", data: panel.categories}, axisStyle());
    categoryAxis.axisLabel = {color: MUTED, fontSize: 12, interval: 0, rotate: !horizontal && panel.categories.length > 6 ? 30 : 0};
    // the unit names the value axis when there is no legend above it to collide with
    var valueAxis = Object.assign({type: "value", name: panel.series.length > 1 ? "" : (panel.unit || ""),
                                   nameTextStyle: {color: MUTED}}, axisStyle());
    base.grid = {left: 8, right: 16, top: panel.series.length > 1 ? 30 : 14, bottom: 4, containLabel: true};
    if (panel.series.length > 1) {
      base.legend = {type: "scroll", top: 0, textStyle: {color: MUTED}, itemWidth: 12, itemHeight: 10,
                     pageTextStyle: {color: MUTED}, pageIconColor: INK};
    }
    base.xAxis = horizontal ? valueAxis : categoryAxis;
    base.yAxis = horizontal ? categoryAxis : valueAxis;
    base.series = panel.series.map(function (s, i) {
      var colour = COLOURS[s.colour] || SERIES[i % SERIES.length];
      var item = {name: s.name, type: panel.kind, data: s.values, itemStyle: {color: colour}};
      if (panel.kind === "bar") {
        item.barMaxWidth = 26;
        if (s.stack) { item.stack = s.stack; }
        if (panel.series.length === 1) { item.label = {show: true, position: horizontal ? "right" : "top", color: INK}; }
      } else {
        item.smooth = true;
        item.symbolSize = 7;
        item.lineStyle = {width: 3, color: colour};
        if (i === 0) { item.areaStyle = {opacity: 0.15, color: colour}; }
      }
      return item;
    });
    return base;
  }

  function table(panel) {
    var wrap = el("div", "table-scroll");
    var t = el("table", "screen-table");
    var head = el("tr");
    panel.columns.forEach(function (c) { var th = el("th", null, c.label); th.style.textAlign = c.align; head.appendChild(th); });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    var body = el("tbody");
    if (!panel.rows.length) {
      var empty = el("tr"), cell = el("td", "muted", panel.empty || gettext("暂无"));
      cell.colSpan = panel.columns.length; empty.appendChild(cell); body.appendChild(empty);
    }
    panel.rows.forEach(function (row) {
      var tr = el("tr", row._colour || "");
      panel.columns.forEach(function (c, index) {
        var td = el("td"), value = number(row[c.key]);
        td.style.textAlign = c.align;
        if (index === 0 && row._link) {
          var a = el("a", null, value); a.href = row._link; a.target = "_blank"; td.appendChild(a);
        } else { td.textContent = value; }
        td.title = value;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    t.appendChild(body);
    wrap.appendChild(t);
    if (panel.total && panel.total > panel.rows.length) {
      wrap.appendChild(el("p", "note", interpolate(gettext("共 %s 条，显示前 %s 条"), [panel.total, panel.rows.length])));
    }
    return wrap;
  }

  var nodes = {};

  function panelNode(panel) {
    var node = nodes[panel.source];
    if (!node) {
      node = el("article", "panel");
      node.setAttribute("data-source", panel.source);
      node.setAttribute("data-testid", "panel-" + panel.source);
      var area = document.querySelector('[data-area="' + panel.area + '"]') || document.querySelector('[data-area="bottom"]');
      area.appendChild(node);
      nodes[panel.source] = node;
    }
    return node;
  }

  function render(panel) {
    var node = panelNode(panel);
    node.setAttribute("data-kind", panel.kind);
    var chart = node._chart, chartDiv = node._chartDiv;
    node.innerHTML = "";
    var head = el("header", "panel-head");
    head.appendChild(el("h2", null, panel.title));
    if (panel.link) { var link = el("a", null, gettext("详情 ›")); link.href = panel.link; link.target = "_blank"; head.appendChild(link); }
    node.appendChild(head);
    var body = el("div", "panel-body");
    node.appendChild(body);
    if (panel.subtitle) { body.appendChild(el("p", "subtitle", panel.subtitle)); }
    if (panel.kind === "missing" || panel.kind === "error") {
      var box = el("div", "placeholder" + (panel.kind === "error" ? " error" : ""));
      var inner = el("div");
      inner.appendChild(el("strong", null, panel.kind === "error" ? gettext("数据异常") : gettext("未接入")));
      inner.appendChild(el("span", null, panel.kind === "error" ? panel.message : interpolate(gettext("该数据来源尚未安装（%s）"), [panel.source])));
      box.appendChild(inner);
      body.appendChild(box);
      if (chart) { chart.dispose(); node._chart = null; }
      return;
    }
    if (panel.headline && panel.headline.length) {
      var line = el("div", "headline");
      panel.headline.forEach(function (item) { line.appendChild(stat(item)); });
      body.appendChild(line);
    }
    if (panel.kind === "stats") {
      var grid = el("div", "stat-grid");
      panel.items.forEach(function (item) { grid.appendChild(stat(item)); });
      body.appendChild(grid);
    } else if (panel.kind === "table") {
      body.appendChild(table(panel));
    } else {
      if (!chartDiv) { chartDiv = el("div", "chart"); node._chartDiv = chartDiv; }
      body.appendChild(chartDiv);
    }
    if (panel.note) { body.appendChild(el("p", "note", panel.note)); }
    var charted = panel.kind === "pie" || panel.kind === "bar" || panel.kind === "line";
    if (!charted && chart) { chart.dispose(); node._chart = null; return; }
    if (charted && window.echarts) {
      // sized once the whole panel is laid out, and again whenever the panel changes size
      if (!chart) {
        chart = echarts.init(chartDiv, null, {renderer: "canvas"});
        node._chart = chart;
        if (window.ResizeObserver) { new ResizeObserver(function () { chart.resize(); }).observe(chartDiv); }
      }
      chart.setOption(chartOption(panel), true);
      chart.resize();
    }
  }

  function draw(data) {
    data.panels.forEach(render);
    var stamp = document.getElementById("screen-updated");
    if (stamp) { stamp.textContent = String(data.generated_at).slice(11, 19); }
  }

  var data = JSON.parse(document.getElementById("screen-data").textContent);
  draw(data);

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var map = new AnshengMap(document.getElementById("screen-map"), config, {
    dark: true, countyLink: countyLink || null, noZoom: false
  });
  window.anshengDashboard = {map: map, data: data};

  function refresh() {
    var url = api + (region ? "?region=" + encodeURIComponent(region) : "");
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fresh) {
        if (!fresh) { return; }
        window.anshengDashboard.data = fresh;
        draw(fresh);
        map.reload(true);
      })
      .catch(function () { /* keep showing the last figures; the next tick tries again */ });
  }
  setInterval(refresh, Math.max(5, data.refresh_seconds || 30) * 1000);

  // the clock shows the platform's time (Beijing time), whatever the zone of the screen's computer
  var clock = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
    timeZone: script.getAttribute("data-time-zone") || undefined, hour12: false, year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short"
  });
  function tick() { document.getElementById("screen-clock").textContent = clock.format(new Date()); }
  tick();
  setInterval(tick, 1000);

  window.addEventListener("resize", function () {
    Object.keys(nodes).forEach(function (key) { if (nodes[key]._chart) { nodes[key]._chart.resize(); } });
    map.map.invalidateSize();
  });
  var full = document.getElementById("screen-full");
  full.addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
  });
})();
