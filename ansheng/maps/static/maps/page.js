/* The map page: binds the side panel (layers, filters, search, exports) to the AnshengMap. */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (f, a) { return f.replace(/%s/g, function () { return a.shift(); }); };
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var map = new AnshengMap(document.getElementById("map"), config, {});
  window.anshengMap = map;  // for the browser tests and the curious

  function fmt(n) { return Number(n).toLocaleString("zh-CN"); }

  map.on(function (event, layer) {
    var row = document.querySelector('[data-layer="' + layer.name + '"]');
    if (!row) { return; }
    var count = row.querySelector(".count");
    var box = row.querySelector('input[name="layer"]');
    if (event === "toggled") { box.checked = layer.on; return; }
    if (event === "counties") {
      var missing = layer.data.features.every(function (f) { return typeof f.properties[map.metric] !== "number"; });
      document.getElementById("metric-note").hidden = !missing;
      return;
    }
    if (event === "loading") { count.textContent = "…"; return; }
    if (layer.error) {
      count.textContent = layer.error;
      count.className = "count error";
      return;
    }
    count.className = "count";
    if (!layer.on || !layer.data) { count.textContent = ""; return; }
    var total = 0, clustered = false;
    layer.data.features.forEach(function (f) {
      if (f.properties.cluster) { clustered = true; total += f.properties.count; } else { total += 1; }
    });
    count.textContent = fmt(total) + (clustered ? gettext("（聚合）") : "") + (layer.data.truncated ? "+" : "");
    count.setAttribute("data-count", String(total));
    var gradeBox = row.querySelector(".grade");
    if (gradeBox && layer.grades && layer.grades.length) {
      var select = gradeBox.querySelector("select");
      if (select.options.length === 1) {
        layer.grades.forEach(function (g) { select.add(new Option(g.label, g.value)); });
      }
      gradeBox.hidden = false;
    }
  });

  document.querySelectorAll('input[name="layer"]').forEach(function (box) {
    box.addEventListener("change", function () { map.setLayer(box.value, box.checked); });
  });
  document.querySelectorAll("[data-filter]").forEach(function (input) {
    input.addEventListener("change", function () { map.setFilter(input.getAttribute("data-filter"), input.value); });
  });
  if (config.county) { map.filters.county = config.county; }
  document.querySelectorAll("[data-param]").forEach(function (select) {
    select.addEventListener("change", function () {
      map.setLayerParam(select.getAttribute("data-for"), select.getAttribute("data-param"), select.value);
    });
  });
  document.getElementById("f-metric").addEventListener("change", function (e) { map.setMetric(e.target.value); });

  // search: results list, a click flies to the record and opens it
  var results = document.getElementById("search-results");
  document.getElementById("map-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = document.getElementById("map-q").value.trim();
    results.innerHTML = "";
    if (!q) { results.hidden = true; return; }
    map.search(q).then(function (hits) {
      results.hidden = false;
      if (!hits.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = interpolate(gettext("未找到“%s”"), [q]);
        results.appendChild(none);
        return;
      }
      hits.forEach(function (hit) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = hit.name;
        var meta = document.createElement("small");
        meta.textContent = hit.layer_label + (hit.county_name ? " · " + hit.county_name : "") + (hit.code ? " · " + hit.code : "");
        if (hit.colour) {
          var dot = document.createElement("i");
          dot.className = "dot " + hit.colour;
          item.appendChild(dot);
        }
        item.appendChild(button);
        item.appendChild(meta);
        button.addEventListener("click", function () {
          map.flyTo(hit);
          document.body.classList.remove("panel-open");
        });
        results.appendChild(item);
      });
    });
  });

  var png = document.getElementById("export-png");
  if (png) {
    png.addEventListener("click", function () {
      var county = document.getElementById("f-county");
      map.exportPng(county && county.value ? county.options[county.selectedIndex].text : "");
    });
    ["geojson", "xlsx"].forEach(function (format) {
      var link = document.getElementById("export-" + format);
      link.addEventListener("click", function () { link.href = map.exportUrl(format); });
    });
  }

  var toggle = document.querySelector(".panel-toggle");
  toggle.addEventListener("click", function () {
    var open = document.body.classList.toggle("panel-open");
    toggle.setAttribute("aria-expanded", String(open));
    setTimeout(function () { map.map.invalidateSize(); }, 50);
  });

  if (config.focus && config.focus.point) { map.focusOn(config.focus); }
})();
