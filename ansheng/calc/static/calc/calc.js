/* Calculator pages: rows of substances, suggestions, field errors after live updates, the contribution chart. */
(function () {
  "use strict";


  // Errors come with each answer as JSON ([{row?, name, message}]); put them beside their inputs.
  function applyErrors() {
    const answer = document.querySelector("#result .calc-answer");
    const form = document.querySelector("form.calc-form");
    if (!answer || !form) return;
    let errors = [];
    try { errors = JSON.parse(answer.dataset.fieldErrors || "[]"); } catch (e) { errors = []; }
    form.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    errors.forEach(function (error) {
      let scope = form;
      if (error.row !== undefined && error.row !== null) scope = form.querySelectorAll(".substance-row")[error.row];
      const input = scope && scope.querySelector('[name="' + error.name + '"]');
      if (!input) return;
      const box = input.closest(".field") || input.parentElement;
      box.classList.add("has-error");
      input.setAttribute("aria-invalid", "true");
      const p = document.createElement("p");
      p.className = "error field-error";
      p.setAttribute("role", "alert");
      p.textContent = error.message;
      box.appendChild(p);
    });
  }

  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      const source = document.getElementById(el.dataset.chart);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      const chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [data.labels.ratio, data.labels.weighted] },
        grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
        xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, overflow: "truncate", width: 120 } },
        yAxis: { type: "value" },
        series: [
          { name: data.labels.ratio, type: "bar", data: data.ratio, itemStyle: { color: "#1565c0" }, label: { show: true, position: "top" } },
          { name: data.labels.weighted, type: "bar", data: data.weighted, itemStyle: { color: "#d32f2f" }, label: { show: true, position: "top" } }
        ]
      }, true);
    });
  }

  function rowsContainer() { return document.getElementById("substance-rows"); }

  function refreshRowButtons() {
    const rows = rowsContainer();
    if (!rows) return;
    const all = rows.querySelectorAll(".substance-row");
    all.forEach(function (row) { row.querySelector("[data-remove-row]").hidden = all.length < 2; });
  }

  function addRow() {
    const template = document.getElementById("substance-row-template");
    const rows = rowsContainer();
    if (!template || !rows) return;
    const row = template.content.firstElementChild.cloneNode(true);
    rows.appendChild(row);
    if (window.htmx) window.htmx.process(row);
    refreshRowButtons();
    row.querySelector('input[name="substance"]').focus();
  }

  function choose(button) {
    const field = button.closest(".substance-field");
    const input = field.querySelector('input[name="substance"]');
    input.value = button.dataset.value;
    field.querySelector(".suggest").innerHTML = "";
    input.dispatchEvent(new Event("change", { bubbles: true }));
    const tonnes = field.closest(".substance-row").querySelector('input[name="tonnes"]');
    if (tonnes && !tonnes.value) tonnes.focus();
  }

  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const suggestion = target.closest(".suggestion");
    if (suggestion) { choose(suggestion); return; }
    if (target.closest("[data-add-row]")) { addRow(); return; }
    const remove = target.closest("[data-remove-row]");
    if (remove) {
      const form = remove.closest("form");
      remove.closest(".substance-row").remove();
      refreshRowButtons();
      form.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    if (target.closest("[data-print]")) { window.print(); return; }
    document.querySelectorAll(".suggest").forEach(function (list) {
      if (!list.parentElement.contains(target)) list.innerHTML = "";
    });
  });

  // Keep focus in the box while a suggestion is clicked; Escape closes the list.
  document.addEventListener("mousedown", function (event) {
    if (event.target instanceof Element && event.target.closest(".suggestion")) event.preventDefault();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") document.querySelectorAll(".suggest").forEach(function (list) { list.innerHTML = ""; });
  });

  // The list belongs to the box being typed in: it closes when focus leaves the box, and an answer that arrives
  // after that is dropped.
  document.addEventListener("focusout", function (event) {
    const field = event.target instanceof Element && event.target.closest(".substance-field");
    if (!field || (event.relatedTarget instanceof Node && field.contains(event.relatedTarget))) return;
    field.querySelector(".suggest").innerHTML = "";
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (target && target.classList && target.classList.contains("suggest") &&
        !target.parentElement.contains(document.activeElement)) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "result") { applyErrors(); drawCharts(event.target); }
  });

  function init() {
    const add = document.querySelector("[data-add-row]");
    if (add) add.hidden = false;
    refreshRowButtons();
    drawCharts(document);
    function resizeCharts() {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        const chart = window.echarts && window.echarts.getInstanceByDom(el);
        if (chart) chart.resize();
      });
    }
    window.addEventListener("resize", resizeCharts);
    window.addEventListener("beforeprint", resizeCharts);
    window.addEventListener("afterprint", resizeCharts);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
