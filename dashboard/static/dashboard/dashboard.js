/* The dashboard's charts (templates/admin/dashboard/_panel.html).
 *
 * Each figure.cd-chart names its JSON endpoint in data-url; the chart and its
 * table view are both drawn from that one answer (labels + series), so they
 * show the same numbers. Texts come from the section's data- attributes (the
 * page is translated; this file is not). No inline script: the CSP is
 * script-src 'self'.
 */
(function () {
  "use strict";

  var root = document.getElementById("dashboard");
  if (!root) return;
  var T = root.dataset;
  var printing = T.print === "1";
  var charts = [];
  var COLOURS = ["#417690", "#e08e0b", "#3a9d5d", "#ba2121", "#7a5ea8", "#5b8db8"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function percent(v) { return v === null ? "—" : (v * 100).toFixed(1) + "%"; }
  function hours(v) { return v === null ? "—" : v.toFixed(1) + " h"; }
  function shown(v, kind) {
    if (kind === "rate") return percent(v);
    if (kind === "hours") return hours(v);
    return v === null ? "—" : String(v);
  }
  function clock(iso) { return iso ? iso.slice(11, 16) : ""; }
  function sum(list) { return list.reduce(function (a, b) { return a + (b || 0); }, 0); }

  // The table view: a row per label, a column per series; each cell keeps
  // the JSON's value in data-value.
  function seriesTable(body, head) {
    var table = el("table", { "class": "cd-table" });
    var tr = el("tr");
    tr.appendChild(el("th", { scope: "col" }, head));
    body.series.forEach(function (s) { tr.appendChild(el("th", { scope: "col" }, s.name)); });
    table.appendChild(el("thead")).appendChild(tr);
    var tbody = table.appendChild(el("tbody"));
    body.labels.forEach(function (label, i) {
      var row = el("tr");
      row.appendChild(el("th", { scope: "row" }, label));
      body.series.forEach(function (s) {
        var v = s.data[i];
        row.appendChild(el("td", { "data-key": s.key, "data-value": v === null ? "" : String(v) }, shown(v, s.kind)));
      });
      tbody.appendChild(row);
    });
    return table;
  }

  function heatTable(body) {
    var table = el("table", { "class": "cd-table cd-heat-table" });
    var tr = el("tr");
    tr.appendChild(el("th", { scope: "col" }, T.community));
    body.weeks.forEach(function (w) { tr.appendChild(el("th", { scope: "col" }, T.week + " " + w.slice(5))); });
    table.appendChild(el("thead")).appendChild(tr);
    var cells = {};
    body.data.forEach(function (c) { cells[c[1] + ":" + c[0]] = c[2]; });
    var tbody = table.appendChild(el("tbody"));
    body.communities.forEach(function (c, row) {
      var line = el("tr");
      line.appendChild(el("th", { scope: "row" }, c.name));
      body.weeks.forEach(function (w, col) {
        var v = cells[row + ":" + col] || 0;
        var td = el("td", { "data-value": String(v) }, String(v));
        if (v && body.max) td.style.background = "rgba(186, 33, 33, " + (0.1 + 0.6 * v / body.max).toFixed(2) + ")";
        line.appendChild(td);
      });
      tbody.appendChild(line);
    });
    return table;
  }

  function byKey(body, key) {
    return body.series.filter(function (s) { return s.key === key; })[0];
  }

  var BASE = {
    animation: !printing,
    color: COLOURS,
    tooltip: { trigger: "axis", confine: true },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    textStyle: { fontFamily: "sans-serif" }
  };

  function merge(extra) {
    var out = {};
    Object.keys(BASE).forEach(function (k) { out[k] = BASE[k]; });
    Object.keys(extra).forEach(function (k) { out[k] = extra[k]; });
    return out;
  }

  var KINDS = {
    daily: {
      empty: function (b) { return b.series.every(function (s) { return sum(s.data) === 0; }); },
      table: function (b) { return seriesTable(b, T.day); },
      option: function (b) {
        return merge({
          legend: { top: 0 },
          xAxis: { type: "category", data: b.labels.map(function (l) { return l.slice(5); }) },
          yAxis: { type: "value", minInterval: 1 },
          series: b.series.map(function (s) {
            return { name: s.name, type: "line", smooth: false, showSymbol: b.labels.length <= 31, data: s.data };
          })
        });
      }
    },
    units: {
      empty: function (b) { return b.labels.length === 0; },
      table: function (b) { return seriesTable(b, T.unit); },
      height: function (b) { return Math.max(240, 70 + 28 * b.labels.length); },
      option: function (b) {
        var rate = byKey(b, "on_time_disposal_rate");
        var target = +(b.target * 100).toFixed(1);
        return merge({
          tooltip: {
            trigger: "axis", axisPointer: { type: "shadow" }, confine: true,
            valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; }
          },
          grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
          xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          yAxis: { type: "category", inverse: true, data: b.labels, axisLabel: { width: 110, overflow: "truncate" } },
          series: [{
            name: rate.name,
            type: "bar",
            barMaxWidth: 22,
            data: rate.data.map(function (v) {
              if (v === null) return null;
              var pct = +(v * 100).toFixed(1);
              return { value: pct, itemStyle: { color: pct >= target ? "#3a9d5d" : "#e08e0b" } };
            }),
            markLine: {
              symbol: "none",
              lineStyle: { color: "#ba2121", type: "dashed", width: 2 },
              label: { formatter: T.target + " " + target + "%", position: "start" },
              data: [{ xAxis: target }]
            }
          }]
        });
      }
    },
    categories: {
      empty: function (b) { return b.labels.length === 0; },
      table: function (b) { return seriesTable(b, T.category); },
      height: function (b) { return Math.max(260, 40 + 26 * Math.min(b.labels.length, 15)); },
      option: function (b) {
        var n = Math.min(b.labels.length, 15);
        var received = byKey(b, "received");
        return merge({
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
          grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", inverse: true, data: b.labels.slice(0, n), axisLabel: { width: 110, overflow: "truncate" } },
          series: [{ name: received.name, type: "bar", barMaxWidth: 22, data: received.data.slice(0, n) }]
        });
      }
    },
    methods: {
      empty: function (b) { return !b.disposed; },
      table: function (b) { return seriesTable(b, T.method); },
      option: function (b) {
        var counts = byKey(b, "disposed");
        return merge({
          tooltip: { trigger: "item", confine: true, formatter: "{b}: {c} ({d}%)" },
          legend: { bottom: 0 },
          series: [{
            name: counts.name,
            type: "pie",
            radius: ["26%", "54%"],
            center: ["50%", "46%"],
            label: { formatter: "{b}\n{d}%", overflow: "none" },
            data: b.labels.map(function (l, i) { return { name: l, value: counts.data[i] }; })
          }]
        });
      }
    },
    heat: {
      empty: function (b) { return b.data.length === 0; },
      table: heatTable,
      height: function (b) { return Math.max(240, 110 + 30 * b.communities.length); },
      option: function (b) {
        return merge({
          tooltip: { trigger: "item", confine: true },
          grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
          xAxis: { type: "category", data: b.weeks.map(function (w) { return w.slice(5); }), splitArea: { show: true } },
          yAxis: { type: "category", data: b.communities.map(function (c) { return c.name; }), splitArea: { show: true } },
          visualMap: {
            min: 0, max: Math.max(1, b.max), calculable: false, orient: "horizontal",
            left: "center", bottom: 0, itemHeight: 120,
            inRange: { color: ["#fdf0ee", "#ba2121"] }
          },
          series: [{ type: "heatmap", data: b.data, label: { show: true } }]
        });
      }
    }
  };

  function drawFigure(figure) {
    var kind = KINDS[figure.dataset.kind];
    var status = figure.querySelector(".cd-chart-status");
    var canvas = figure.querySelector(".cd-chart-canvas");
    var tableBox = figure.querySelector(".cd-chart-table");
    var toggle = figure.querySelector(".cd-chart-toggle");
    var png = figure.querySelector(".cd-chart-png");
    toggle.disabled = png.disabled = true;
    return fetch(figure.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (body) {
        var asOf = body.counts_as_of || body.generated_at;
        figure.querySelector(".cd-chart-asof").textContent = T.asOf + " " + clock(asOf);
        tableBox.appendChild(kind.table(body));
        toggle.disabled = false;
        if (kind.empty(body)) {
          status.textContent = T.empty;
          status.classList.add("cd-empty");
          figure.classList.add("cd-chart-is-empty");
          return;
        }
        status.hidden = true;
        if (kind.height) canvas.style.height = kind.height(body) + "px";
        var chart = window.echarts.init(canvas, null, { renderer: "canvas" });
        // Once its animation has ended: a test or a screenshot waits for it.
        chart.on("finished", function () { figure.dataset.drawn = "1"; });
        chart.setOption(kind.option(body));
        charts.push(chart);
        figure.chart = chart;
        png.disabled = false;
      })
      .catch(function () {
        status.textContent = T.error;
        status.classList.add("cd-error");
        status.hidden = false;
      });
  }

  function download(figure) {
    if (!figure.chart) return;
    var link = el("a", {
      href: figure.chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" }),
      download: figure.id + ".png"
    });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function toggleTable(figure, button) {
    var table = figure.querySelector(".cd-chart-table");
    var canvas = figure.querySelector(".cd-chart-canvas");
    var showTable = table.hidden;
    table.hidden = !showTable;
    canvas.hidden = showTable;
    button.textContent = showTable ? T.chart : T.table;
    button.setAttribute("aria-pressed", showTable ? "true" : "false");
    if (!showTable && figure.chart) figure.chart.resize();
  }

  // For paper: each chart becomes a picture of itself, so the printout does
  // not depend on the canvas being redrawn at the printer's size.
  function asImages() {
    document.querySelectorAll(".cd-chart").forEach(function (figure) {
      if (!figure.chart) return;
      var canvas = figure.querySelector(".cd-chart-canvas");
      var img = el("img", {
        "class": "cd-chart-image",
        alt: figure.dataset.title,
        src: figure.chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" })
      });
      canvas.insertAdjacentElement("afterend", img);
    });
    root.classList.add("cd-charts-ready");
  }

  function start() {
    var figures = Array.prototype.slice.call(root.querySelectorAll(".cd-chart"));
    figures.forEach(function (figure) {
      figure.querySelector(".cd-chart-toggle").addEventListener("click", function (e) {
        toggleTable(figure, e.currentTarget);
      });
      figure.querySelector(".cd-chart-png").addEventListener("click", function () { download(figure); });
    });
    Promise.all(figures.map(drawFigure)).then(function () {
      root.dataset.ready = "1";
      if (printing) asImages();
    });
    var printButton = document.getElementById("dash-print-now");
    if (printButton) printButton.addEventListener("click", function () { window.print(); });
    var period = document.getElementById("id_period");
    function customShown() {
      var custom = period && period.value === "custom";
      root.querySelectorAll(".cd-dash-field-start, .cd-dash-field-end").forEach(function (f) {
        f.classList.toggle("cd-muted", !custom);
      });
    }
    if (period) { period.addEventListener("change", customShown); customShown(); }
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  }

  if (window.echarts) start();
  else window.addEventListener("load", start);
})();
