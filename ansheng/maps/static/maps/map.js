/* 安生 risk map: Leaflet over the county outlines, layers from /api/v1/map/layers/<name>.
 *
 * new AnshengMap(element, config, {panel}) draws the map; `config` comes from the page (maps.views.map_config).
 * Everything is drawn on one canvas renderer (fast with thousands of points, and the PNG export can copy it).
 * Coordinates are in the display system (config.crs): the server converts, this script never does.
 */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (f, a) { return f.replace(/%s/g, function () { return a.shift(); }); };

  var PALETTE = {
    red: "#d32f2f", orange: "#ef6c00", yellow: "#f9a825", blue: "#1565c0",
    green: "#2e7d32", teal: "#00897b", purple: "#7b1fa2", grey: "#78909c", black: "#263238"
  };
  // A layer's colour for features that carry none (other apps' layers without a four-colour grade).
  var LAYER_COLOUR = {
    "enterprises": "grey", "risk-sources": "purple", "hazard-sources": "purple",
    "hidden-dangers": "orange", "alarms": "red", "accidents": "black"
  };
  var COLOUR_ORDER = ["red", "orange", "yellow", "blue"];
  var SHADES = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];  // sequential, light to dark

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "class") { node.className = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, wait);
    };
  }

  function AnshengMap(element, config, options) {
    this.element = element;
    this.config = config;
    this.options = options || {};
    this.dark = !!this.options.dark;
    this.state = {};          // layer name → {on, group, data, controller, params, error, grades}
    this.filters = {county: config.county || "", colour: "", date_from: "", date_to: ""};
    this.metric = "red_orange_share";
    this.countyLabels = [];
    this.listeners = [];
    this._init();
  }

  AnshengMap.prototype._init = function () {
    var self = this;
    var renderer = L.canvas({padding: 0.3, tolerance: 6});
    this.renderer = renderer;
    this.map = L.map(this.element, {
      preferCanvas: true, renderer: renderer, zoomSnap: 0.25, zoomDelta: 1, minZoom: 6, maxZoom: 18,
      attributionControl: true, zoomControl: !this.config.compact || !this.options.noZoom
    }).setView([29.45, 103.65], 9);
    this.map.attributionControl.setPrefix(false);
    if (this.config.tile && this.config.tile.url) {
      L.tileLayer(this.config.tile.url, {
        attribution: this.config.tile.attribution || "", subdomains: "01234567", maxZoom: 18
      }).addTo(this.map);
    }
    this.map.attributionControl.addAttribution(this.config.attribution || "");
    L.control.scale({imperial: false}).addTo(this.map);
    this.config.layers.forEach(function (layer) {
      self.state[layer.name] = {
        name: layer.name, label: layer.label, on: layer.on, params: {}, grades: null,
        group: L.featureGroup().addTo(self.map), data: null, controller: null, error: null
      };
    });
    this.map.on("moveend", debounce(function () { self.reload(false); }, 250));
    ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
      self.element.addEventListener(name, function () { self.userMoved = true; }, {passive: true});
    });
    if (window.ResizeObserver) {
      // a map in a flexible layout (the dashboard, a phone turned sideways) follows its box, and keeps the
      // counties in view until someone moves it
      new ResizeObserver(debounce(function () {
        self.map.invalidateSize();
        if (!self.userMoved && !self.pendingFocus) { self.fitCounties(); }
      }, 150)).observe(this.element);
    }
    this.reload(true);
  };

  AnshengMap.prototype.on = function (fn) { this.listeners.push(fn); };
  AnshengMap.prototype._emit = function (name, layer) {
    var self = this;
    this.listeners.forEach(function (fn) { fn(name, layer, self); });
  };

  AnshengMap.prototype.layerUrl = function (name, extra) {
    var params = new URLSearchParams();
    params.set("crs", this.config.crs);
    var filters = this.filters;
    Object.keys(filters).forEach(function (key) { if (filters[key]) { params.set(key, filters[key]); } });
    var own = (this.state[name] && this.state[name].params) || {};
    Object.keys(own).forEach(function (key) { if (own[key]) { params.set(key, own[key]); } });
    Object.keys(extra || {}).forEach(function (key) { if (extra[key] !== undefined) { params.set(key, extra[key]); } });
    return this.config.api + encodeURIComponent(name) + "?" + params.toString();
  };

  AnshengMap.prototype._viewParams = function () {
    var b = this.map.getBounds().pad(0.2);
    var clip = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
    return {
      zoom: String(Math.round(this.map.getZoom())),
      bbox: [clip(b.getWest(), -180, 180), clip(b.getSouth(), -90, 90), clip(b.getEast(), -180, 180),
             clip(b.getNorth(), -90, 90)].map(function (v) { return v.toFixed(5); }).join(",")
    };
  };

  /* Fetch every layer that is on. The county outlines do not depend on the view: they are fetched again only when
   * a filter changes (`all`), the others on every move, with the view's bbox and zoom. */
  AnshengMap.prototype.reload = function (all) {
    var self = this;
    Object.keys(this.state).forEach(function (name) {
      var layer = self.state[name];
      if (!layer.on) { return; }
      if (name === "counties" && !all && layer.data) { return; }
      self.load(name);
    });
  };

  AnshengMap.prototype.load = function (name) {
    var self = this, layer = this.state[name];
    if (layer.controller) { layer.controller.abort(); }
    var controller = new AbortController();
    layer.controller = controller;
    layer.loading = true;
    this._emit("loading", layer);
    var url = this.layerUrl(name, name === "counties" ? {} : this._viewParams());
    return fetch(url, {credentials: "same-origin", signal: controller.signal, headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (result) {
        if (layer.controller !== controller) { return; }
        layer.loading = false;
        if (!result.ok) {
          layer.error = result.body.message || gettext("加载失败");
          layer.data = null;
          layer.group.clearLayers();
        } else {
          layer.error = null;
          layer.data = result.body;
          if (layer.grades === null) { layer.grades = self._grades(result.body); }
          self.draw(name);
        }
        self._emit("loaded", layer);
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        layer.loading = false;
        layer.error = gettext("网络错误");
        self._emit("loaded", layer);
      });
  };

  AnshengMap.prototype._grades = function (body) {
    var seen = {};
    body.features.forEach(function (f) {
      var p = f.properties;
      if (p.grade !== undefined && p.grade !== null && p.grade !== "") { seen[p.grade] = p.grade_label || p.grade; }
    });
    var keys = Object.keys(seen);
    return keys.length ? keys.sort().map(function (k) { return {value: k, label: seen[k]}; }) : [];
  };

  AnshengMap.prototype.setLayer = function (name, on) {
    var layer = this.state[name];
    if (!layer) { return; }
    layer.on = on;
    if (on) {
      if (!this.map.hasLayer(layer.group)) { layer.group.addTo(this.map); }
      this.load(name);
    } else {
      if (layer.controller) { layer.controller.abort(); }
      layer.group.clearLayers();
      this.map.removeLayer(layer.group);
      layer.data = null;
      if (name === "counties") { this.countyLabels = []; }
      this._emit("loaded", layer);
    }
  };

  AnshengMap.prototype.setFilter = function (key, value) {
    this.filters[key] = value || "";
    this.reload(true);
  };

  AnshengMap.prototype.setLayerParam = function (name, key, value) {
    var layer = this.state[name];
    if (!layer) { return; }
    layer.params[key] = value || "";
    if (layer.on) { this.load(name); }
  };

  AnshengMap.prototype.setMetric = function (metric) {
    this.metric = metric;
    if (this.state.counties && this.state.counties.data) { this.draw("counties"); }
  };

  // --- drawing ----------------------------------------------------------------------------------------------------

  AnshengMap.prototype.colourOf = function (name, properties) {
    return PALETTE[properties.colour] || PALETTE[LAYER_COLOUR[name]] || PALETTE.teal;
  };

  AnshengMap.prototype.draw = function (name) {
    var layer = this.state[name];
    layer.group.clearLayers();
    if (!layer.data) { return; }
    if (name === "counties") { this._drawCounties(layer); return; }
    var self = this;
    var radius = Math.max(4, Math.min(9, this.map.getZoom() - 4));
    layer.data.features.forEach(function (feature) {
      var p = feature.properties, g = feature.geometry, colour = self.colourOf(name, p), shape;
      if (p.cluster) {
        shape = self._cluster(feature, colour);
      } else if (g.type === "Point") {
        shape = L.circleMarker([g.coordinates[1], g.coordinates[0]], {
          renderer: self.renderer, radius: p.emphasis ? radius + 3 : radius, color: p.emphasis ? "#000" : "#fff",
          weight: p.emphasis ? 2.5 : 1.2, fillColor: colour, fillOpacity: 0.95
        });
      } else {
        shape = L.geoJSON(feature, {
          renderer: self.renderer,
          style: function () {
            var line = g.type.indexOf("Line") >= 0;
            return {color: colour, weight: line ? (p.emphasis ? 6 : 4) : 2, opacity: 0.95,
                    fillColor: colour, fillOpacity: 0.35, dashArray: p.category === "pipeline" ? "10 5" : null};
          }
        });
      }
      shape.feature = feature;
      shape.layerName = name;
      shape.on("click", function (event) { self._clicked(name, feature, event, shape); });
      layer.group.addLayer(shape);
    });
    if (this.pendingFocus && this.pendingFocus.layer === name) { this._openFocus(); }
  };

  AnshengMap.prototype._cluster = function (feature, colour) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var size = Math.round(22 + Math.min(26, Math.log(p.count) * 5));
    var icon = L.divIcon({
      className: "cluster-icon",
      html: "<span style=\"background:" + colour + ";width:" + size + "px;height:" + size + "px;line-height:" +
        size + "px\">" + p.count + "</span>",
      iconSize: [size, size]
    });
    return L.marker([c[1], c[0]], {icon: icon, keyboard: false, title: p.name});
  };

  AnshengMap.prototype._drawCounties = function (layer) {
    var self = this, metric = this.metric;
    var values = layer.data.features.map(function (f) { return f.properties[metric]; })
      .filter(function (v) { return typeof v === "number"; });
    var max = values.length ? Math.max.apply(null, values) : 0;
    this.countyLabels = [];
    layer.data.features.forEach(function (feature) {
      var p = feature.properties, v = p[metric], fill;
      if (typeof v !== "number") {
        fill = self.dark ? "#1f3b57" : "#e3ecf3";
      } else {
        var step = max > 0 ? Math.min(SHADES.length - 1, Math.floor((v / max) * (SHADES.length - 0.001))) : 0;
        fill = SHADES[step];
      }
      var shape = L.geoJSON(feature, {
        renderer: self.renderer,
        style: {color: self.dark ? "#4fc3f7" : "#5c6b7a", weight: 1.5, fillColor: fill,
                fillOpacity: self.dark ? 0.55 : 0.6}
      });
      shape.feature = feature;
      shape.on("click", function (event) { self._clicked("counties", feature, event, shape); });
      layer.group.addLayer(shape);
      if (p.label_point) {
        var at = L.latLng(p.label_point[1], p.label_point[0]);
        self.countyLabels.push({name: p.name, at: at});
        L.marker(at, {
          interactive: false, keyboard: false, zIndexOffset: 1000,
          icon: L.divIcon({className: "county-label", html: "<span>" + p.name + "</span>", iconSize: [90, 18]})
        }).addTo(layer.group);
      }
    });
    layer.group.bringToBack && layer.group.bringToBack();
    if (!this.fitted) {
      this.fitted = true;
      if (!this.userMoved) { this.fitCounties(); }  // never pull the view away from where someone went
    }
    this._emit("counties", layer);
  };

  AnshengMap.prototype.fitCounties = function () {
    var layer = this.state.counties;
    if (!layer || !layer.data || !layer.on) { return; }
    this.map.invalidateSize();
    var bounds = layer.group.getBounds();
    if (bounds.isValid()) { this.map.fitBounds(bounds, {padding: [10, 10]}); }
  };

  AnshengMap.prototype.legendFor = function (metric) {
    return metric === "major_dangers_per_100" ? gettext("每百家企业未销号重大隐患") :
      metric === "enterprises" ? gettext("企业数") : gettext("红橙企业占比");
  };

  // --- popups -----------------------------------------------------------------------------------------------------

  AnshengMap.prototype._clicked = function (name, feature, event, shape) {
    var p = feature.properties;
    if (p.cluster) {
      var b = p.bbox;
      if (b && (b[2] - b[0] > 1e-6 || b[3] - b[1] > 1e-6)) {
        this.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {padding: [30, 30], maxZoom: 16});
      } else {
        this.map.setView(event.latlng, Math.max(this.map.getZoom() + 2, 12));
      }
      return;
    }
    L.popup({maxWidth: 320}).setLatLng(event.latlng).setContent(this.popup(name, p)).openOn(this.map);
  };

  AnshengMap.prototype.popup = function (name, p) {
    var box = el("div", {"class": "map-popup", "data-testid": "map-popup"});
    box.appendChild(el("strong", {"class": "popup-title"}, p.name));
    var meta = el("div", {"class": "popup-meta"});
    meta.appendChild(el("span", {}, (this.state[name] ? this.state[name].label : name) +
      (p.county_name ? " · " + p.county_name : "")));
    box.appendChild(meta);
    var tags = el("div", {"class": "popup-tags"});
    if (p.colour && PALETTE[p.colour]) { tags.appendChild(el("span", {"class": "tag " + p.colour}, p.colour_label || p.colour)); }
    if (p.grade_label || p.grade) { tags.appendChild(el("span", {"class": "tag grey"}, p.grade_label || p.grade)); }
    if (p.badge) { tags.appendChild(el("span", {"class": "tag red"}, p.badge)); }
    if (tags.childNodes.length) { box.appendChild(tags); }
    var rows = [];
    if (name !== "counties" && name !== "risk-sources") {
      if (p.code) { rows.push([gettext("代码"), p.code]); }
      if (p.category_label) { rows.push([gettext("类别"), p.category_label]); }
      if (p.date) { rows.push([gettext("日期"), String(p.date).slice(0, 16).replace("T", " ")]); }
    }
    (p.summary || []).forEach(function (pair) { if (pair && pair.length === 2) { rows.push(pair); } });
    if (rows.length) {
      var dl = el("dl", {"class": "popup-rows"});
      rows.forEach(function (pair) { dl.appendChild(el("dt", {}, pair[0])); dl.appendChild(el("dd", {}, pair[1])); });
      box.appendChild(dl);
    }
    if (p.url) {
      var link = el("a", {href: p.url, "class": "popup-link"}, name === "counties" ? gettext("查看该区县企业 ›") : gettext("查看详情 ›"));
      if (this.config.compact) { link.setAttribute("target", "_blank"); }
      box.appendChild(link);
    }
    if (name === "counties" && this.options.countyLink) {
      box.appendChild(el("a", {href: this.options.countyLink.replace("__code__", p.county), "class": "popup-link"},
        gettext("进入该区县大屏 ›")));
    }
    return box;
  };

  // --- search and focus -------------------------------------------------------------------------------------------

  AnshengMap.prototype.search = function (q) {
    var url = this.config.search + "?" + new URLSearchParams({q: q, crs: this.config.crs}).toString();
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}}).then(function (r) {
      return r.ok ? r.json() : [];
    });
  };

  AnshengMap.prototype.flyTo = function (hit) {
    var b = hit.bbox;
    this.userMoved = true;
    this.fitted = true;
    this.pendingFocus = {layer: hit.layer, id: hit.id};
    var layer = this.state[hit.layer];
    if (layer && !layer.on) {
      layer.on = true;
      layer.group.addTo(this.map);
      this._emit("toggled", layer);
    }
    var map = this.map;
    this._afterZoomAnimation(function () {
      if (b[2] - b[0] > 1e-5 || b[3] - b[1] > 1e-5) {
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {maxZoom: 15, padding: [40, 40]});
      } else {
        map.setView([hit.point[1], hit.point[0]], 15);
      }
    });
    // open it now if it is already drawn (an outline, a source in view); otherwise when its layer is drawn again
    if (layer && layer.data) { this._openFocus(); }
    if (this.pendingFocus) { this.reload(false); }
  };

  AnshengMap.prototype._openFocus = function () {
    var focus = this.pendingFocus, layer = this.state[focus.layer], self = this, found = null;
    if (!layer) { this.pendingFocus = null; return; }
    layer.group.eachLayer(function (shape) {
      if (shape.feature && String(shape.feature.properties.id) === String(focus.id)) { found = shape; }
    });
    if (!found) { return; }
    this.pendingFocus = null;
    var g = found.feature.geometry;
    var at = g.type === "Point" ? L.latLng(g.coordinates[1], g.coordinates[0]) :
      (found.getBounds ? found.getBounds().getCenter() : this.map.getCenter());
    L.popup({maxWidth: 320}).setLatLng(at).setContent(self.popup(focus.layer, found.feature.properties))
      .openOn(this.map);
  };

  AnshengMap.prototype.focusOn = function (focus) {
    if (!focus || !focus.point) { return; }
    this.fitted = true;
    this.userMoved = true;
    this.pendingFocus = {layer: focus.layer, id: focus.id};
    if (this.state[focus.layer] && !this.state[focus.layer].on) {
      this.state[focus.layer].on = true;
      this.state[focus.layer].group.addTo(this.map);
    }
    var map = this.map;
    this._afterZoomAnimation(function () { map.setView([focus.point[1], focus.point[0]], 15); });
  };

  // Leaflet ignores a zoom asked for while a zoom animation runs (the counties' first fit, say): a search hit
  // clicked in that moment would stay where it was. Run `move` now, or when the running animation ends.
  AnshengMap.prototype._afterZoomAnimation = function (move) {
    if (this.map._animatingZoom) { this.map.once("zoomend", move); } else { move(); }
  };

  // --- exports ----------------------------------------------------------------------------------------------------

  AnshengMap.prototype.exportUrl = function (format) {
    var self = this;
    var names = Object.keys(this.state).filter(function (n) { return self.state[n].on && n !== "counties"; });
    var params = new URLSearchParams({layers: names.join(",")});
    Object.keys(this.filters).forEach(function (k) { if (self.filters[k]) { params.set(k, self.filters[k]); } });
    names.forEach(function (n) {
      var own = self.state[n].params;
      Object.keys(own).forEach(function (k) { if (own[k]) { params.set(n + "." + k, own[k]); } });
    });
    if (format === "geojson") { params.set("crs", "wgs84"); }
    return this.config.export[format] + "?" + params.toString();
  };

  /* The current view as a PNG: the canvas the vector layers are drawn on, with county names, cluster counts, a
   * title, a legend, a scale bar and the data attribution drawn over it. Tiles of an optional tile server are not
   * included (another origin's images cannot be read back from a canvas). */
  AnshengMap.prototype.toCanvas = function (subtitle) {
    var map = this.map, size = map.getSize(), ratio = window.devicePixelRatio || 1, head = 44, foot = 34;
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(size.x * ratio);
    canvas.height = Math.round((size.y + head + foot) * ratio);
    var ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.fillStyle = this.dark ? "#0b1b2b" : "#ffffff";
    ctx.fillRect(0, 0, size.x, size.y + head + foot);
    ctx.fillStyle = this.dark ? "#0f2740" : "#f4f6f8";
    ctx.fillRect(0, head, size.x, size.y);
    var box = this.element.getBoundingClientRect();
    this.element.querySelectorAll("canvas").forEach(function (source) {
      var r = source.getBoundingClientRect();
      if (r.width && r.height) { ctx.drawImage(source, r.left - box.left, head + r.top - box.top, r.width, r.height); }
    });
    var font = "\"Noto Sans CJK SC\", \"PingFang SC\", \"Microsoft YaHei\", sans-serif";
    var ink = this.dark ? "#e3f2fd" : "#1f2933";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    var self = this;
    Object.keys(this.state).forEach(function (name) {
      var layer = self.state[name];
      if (!layer.on || !layer.data) { return; }
      layer.data.features.forEach(function (f) {
        if (!f.properties.cluster) { return; }
        var c = f.geometry.coordinates, pt = map.latLngToContainerPoint([c[1], c[0]]);
        if (pt.x < -30 || pt.y < -30 || pt.x > size.x + 30 || pt.y > size.y + 30) { return; }
        var r = (22 + Math.min(26, Math.log(f.properties.count) * 5)) / 2;
        ctx.beginPath(); ctx.arc(pt.x, head + pt.y, r, 0, 2 * Math.PI);
        ctx.fillStyle = self.colourOf(name, f.properties); ctx.fill();
        ctx.lineWidth = 2; ctx.strokeStyle = "#fff"; ctx.stroke();
        ctx.fillStyle = f.properties.colour === "yellow" ? "#000" : "#fff";
        ctx.font = "bold 12px " + font; ctx.fillText(String(f.properties.count), pt.x, head + pt.y);
      });
    });
    ctx.textAlign = "center";
    ctx.font = "bold 13px " + font;
    this.countyLabels.forEach(function (label) {
      var pt = map.latLngToContainerPoint(label.at);
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,.85)";
      ctx.strokeText(label.name, pt.x, head + pt.y);
      ctx.fillStyle = "#263238"; ctx.fillText(label.name, pt.x, head + pt.y);
    });
    // title and time
    ctx.textAlign = "left";
    ctx.fillStyle = ink;
    ctx.font = "bold 18px " + font;
    ctx.fillText(this.config.title || "", 12, head / 2);
    ctx.font = "12px " + font;
    ctx.textAlign = "right";
    var stamp = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
      timeZone: this.config.time_zone || undefined, hour12: false, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit"
    }).format(new Date());
    ctx.fillText((subtitle ? subtitle + "  " : "") + stamp, size.x - 12, head / 2);
    // legend
    var y = head + size.y + foot / 2, x = 12;
    ctx.textAlign = "left";
    ctx.font = "12px " + font;
    [["red", gettext("重大")], ["orange", gettext("较大")], ["yellow", gettext("一般")], ["blue", gettext("低")]].forEach(function (item) {
      ctx.fillStyle = PALETTE[item[0]];
      ctx.beginPath(); ctx.arc(x + 6, y, 6, 0, 2 * Math.PI); ctx.fill();
      ctx.fillStyle = ink; ctx.fillText(item[1], x + 16, y);
      x += 56;
    });
    // scale bar: 1/5 of the width, rounded to a 1-2-5 length
    var left = map.containerPointToLatLng([20, size.y - 20]), right = map.containerPointToLatLng([20 + size.x / 5, size.y - 20]);
    var metres = map.distance(left, right), nice = Math.pow(10, Math.floor(Math.log10(metres)));
    [5, 2, 1].some(function (m) { if (m * nice <= metres) { nice = m * nice; return true; } return false; });
    var px = (size.x / 5) * nice / metres, sx = x + 20;
    ctx.strokeStyle = ink; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(sx, y + 5); ctx.lineTo(sx, y + 8); ctx.lineTo(sx + px, y + 8); ctx.lineTo(sx + px, y + 5);
    ctx.stroke();
    ctx.fillStyle = ink;
    ctx.fillText(nice >= 1000 ? (nice / 1000) + " km" : nice + " m", sx + px + 6, y + 4);
    // north arrow (top right of the map)
    ctx.beginPath(); ctx.moveTo(size.x - 24, head + 14); ctx.lineTo(size.x - 31, head + 34); ctx.lineTo(size.x - 24, head + 29);
    ctx.lineTo(size.x - 17, head + 34); ctx.closePath(); ctx.fillStyle = ink; ctx.fill();
    ctx.textAlign = "center"; ctx.font = "bold 11px " + font; ctx.fillText("N", size.x - 24, head + 8);
    ctx.textAlign = "right"; ctx.font = "10px " + font;
    ctx.fillStyle = this.dark ? "#90a4ae" : "#637381";
    ctx.fillText((this.config.crs === "gcj02" ? "GCJ-02 " : "WGS84 ") + (this.config.attribution || ""), size.x - 10, y);
    return canvas;
  };

  AnshengMap.prototype.exportPng = function (subtitle) {
    var canvas = this.toCanvas(subtitle);
    canvas.toBlob(function (blob) {
      var link = document.createElement("a");
      var d = new Date();
      link.download = "ansheng-map-" + d.getFullYear() + String(d.getMonth() + 1).padStart(2, "0") +
        String(d.getDate()).padStart(2, "0") + ".png";
      link.href = URL.createObjectURL(blob);
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }, "image/png");
  };

  AnshengMap.PALETTE = PALETTE;
  window.AnshengMap = AnshengMap;
})();
