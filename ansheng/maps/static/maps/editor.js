/* The geometry editor of a risk source: draw with Leaflet.draw, or paste coordinates / GeoJSON and check them on
 * the server (/api/v1/map/geometry/check), which answers with the validated shape in the map's system. */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (f, a) { return f.replace(/%s/g, function () { return a.shift(); }); };
  var script = document.currentScript;
  var checkUrl = script.getAttribute("data-check-url");
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var geometryBox = document.getElementById("id_geometry");
  var crsBox = document.getElementById("id_crs");
  var pasteBox = document.getElementById("id_coordinates");
  var shapeBox = document.getElementById("id_shape");
  var status = document.getElementById("geo-status");
  var kindBox = document.getElementById("id_kind");
  var colourBox = document.getElementById("id_level");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var COLOURS = {red: "#d32f2f", orange: "#ef6c00", yellow: "#f9a825", blue: "#1565c0"};

  // the attributes shown are the chosen kind's
  function showKind() {
    document.querySelectorAll(".attr-block").forEach(function (block) {
      block.hidden = block.getAttribute("data-kind") !== kindBox.value;
    });
  }
  kindBox.addEventListener("change", showKind);
  showKind();

  if (L.drawLocal) {
    var t = L.drawLocal.draw.toolbar, h = L.drawLocal.draw.handlers;
    t.buttons.polyline = gettext("画线（管道、管网）"); t.buttons.polygon = gettext("画面（尾矿库、场所）");
    t.buttons.rectangle = gettext("画矩形"); t.buttons.marker = gettext("标点");
    t.actions.text = gettext("取消"); t.finish.text = gettext("完成"); t.undo.text = gettext("删除最后一个点");
    h.polyline.tooltip = {start: gettext("点击开始画线"), cont: gettext("点击继续"), end: gettext("点击最后一个点结束")};
    h.polygon.tooltip = {start: gettext("点击开始画面"), cont: gettext("点击继续"), end: gettext("点击第一个点闭合")};
    h.marker.tooltip.start = gettext("点击地图放置点");
    h.rectangle.tooltip.start = gettext("按住并拖动画矩形");
    var e = L.drawLocal.edit.toolbar;
    e.buttons.edit = gettext("修改图形"); e.buttons.remove = gettext("删除图形");
    e.actions.save.text = gettext("保存"); e.actions.cancel.text = gettext("取消"); e.actions.clearAll.text = gettext("全部清除");
  }

  var map = L.map("editor-map", {zoomSnap: 1}).setView([29.45, 103.65], 9);
  if (config.tile && config.tile.url) {
    L.tileLayer(config.tile.url, {attribution: config.tile.attribution || "", subdomains: "01234567"}).addTo(map);
  }
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(config.attribution || "");
  var counties = L.featureGroup().addTo(map);
  var drawn = L.featureGroup().addTo(map);

  function colour() { return COLOURS[colourBox.value] || "#7b1fa2"; }
  function style() { return {color: colour(), weight: 4, fillColor: colour(), fillOpacity: 0.35}; }

  function show(geometry, fit) {
    drawn.clearLayers();
    if (!geometry) { return; }
    L.geoJSON(geometry, {style: style}).eachLayer(function (layer) { drawn.addLayer(layer); });
    if (fit) {
      var b = drawn.getBounds();
      if (b.isValid()) {
        if (b.getNorth() - b.getSouth() < 0.002 && b.getEast() - b.getWest() < 0.002) { map.setView(b.getCenter(), 15); }
        else { map.fitBounds(b, {padding: [20, 20], maxZoom: 16}); }
      }
    }
  }

  function write(layer) {
    geometryBox.value = layer ? JSON.stringify(layer.toGeoJSON().geometry) : "";
    crsBox.value = config.crs;  // drawn on this map: its coordinates are in the map's system
    pasteBox.value = "";
  }

  fetch(config.api + "counties?crs=" + config.crs, {credentials: "same-origin"})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (body) {
      if (!body) { return; }
      L.geoJSON(body, {style: {color: "#5c6b7a", weight: 1.2, fillColor: "#e3ecf3", fillOpacity: 0.5},
        onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name, {sticky: true}); }})
        .eachLayer(function (layer) { counties.addLayer(layer); });
      counties.bringToBack();
      if (!drawn.getLayers().length && counties.getBounds().isValid()) { map.fitBounds(counties.getBounds()); }
    });

  var initial = geometryBox.value.trim();
  if (initial && crsBox.value === config.crs) {
    try { show(JSON.parse(initial), true); } catch (error) { /* shown by the check below */ }
  }

  map.addControl(new L.Control.Draw({
    position: "topleft",
    draw: {circle: false, circlemarker: false, polyline: {shapeOptions: {color: "#7b1fa2", weight: 4}},
           polygon: {allowIntersection: false, showArea: false}, rectangle: {showArea: false}},
    edit: {featureGroup: drawn}
  }));
  map.on(L.Draw.Event.CREATED, function (event) {
    drawn.clearLayers();
    drawn.addLayer(event.layer);
    write(event.layer);
    status.textContent = gettext("已绘制，保存时校验");
    status.className = "geo-status ok";
  });
  map.on(L.Draw.Event.EDITED, function () { write(drawn.getLayers()[0] || null); });
  map.on(L.Draw.Event.DELETED, function () { write(null); });
  colourBox.addEventListener("change", function () { drawn.eachLayer(function (l) { if (l.setStyle) { l.setStyle(style()); } }); });

  function check() {
    var body = {crs: crsBox.value, out_crs: config.crs, shape: shapeBox.value || "point"};
    if (pasteBox.value.trim()) { body.text = pasteBox.value; }
    else if (geometryBox.value.trim()) {
      try { body.geometry = JSON.parse(geometryBox.value); }
      catch (error) { status.textContent = gettext("空间位置不是合法的 GeoJSON"); status.className = "geo-status error"; return; }
    } else { status.textContent = gettext("请绘制或填写空间位置"); status.className = "geo-status error"; return; }
    status.textContent = gettext("检查中…");
    status.className = "geo-status";
    fetch(checkUrl, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (result) {
        if (!result.ok) { status.textContent = result.data.message; status.className = "geo-status error"; return; }
        var d = result.data, size = "";
        if (d.length_m) { size = gettext("，长 ") + (d.length_m >= 1000 ? (d.length_m / 1000).toFixed(2) + " km" : Math.round(d.length_m) + " m"); }
        if (d.area_m2) { size = gettext("，面积 ") + (d.area_m2 >= 100000 ? (d.area_m2 / 1e6).toFixed(2) + " km²" : Math.round(d.area_m2) + " m²"); }
        status.textContent = interpolate(gettext("有效：%s%s，%s 个点"), [{point: gettext("点"), line: gettext("线"), area: gettext("面")}[d.shape], size, d.points]);
        status.className = "geo-status ok";
        show(d.geometry, true);
      });
  }
  document.getElementById("geo-check").addEventListener("click", check);
})();
