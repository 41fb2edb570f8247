// ctxh: charts drawn from JSON data islands, for any page (CSP 'self': no inline script).
//
// A page includes vendor/chartjs/chart.umd.min.js and this file, and for each chart:
//
//   <canvas data-ctxh-chart="some-id" aria-label="…" role="img"></canvas>
//   {{ data|json_script:"some-id" }}
//
// where the JSON is {"type": "bar"|"line", "labels": [...], "datasets": [{"label": ...,
// "data": [...]}, ...], "stacked": false, "y_label": "…"}. Colours come from a fixed
// palette; numbers on axes and tooltips use the Vietnamese grouping (23.912). The data are
// only ever read as JSON and handed to Chart.js as values, never as HTML.
(function () {
  "use strict";

  var PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d"];

  function groupDigits(value) {
    if (value === null || value === undefined || value === "") return "";
    var n = Number(value);
    if (!isFinite(n)) return String(value);
    var parts = String(Math.abs(n)).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (n < 0 ? "-" : "") + whole + (parts[1] ? "," + parts[1] : "");
  }

  function readData(id) {
    var island = document.getElementById(id);
    if (!island) return null;
    try {
      return JSON.parse(island.textContent);
    } catch (e) {
      return null;
    }
  }

  function config(spec) {
    var type = spec.type === "line" ? "line" : "bar";
    var datasets = (spec.datasets || []).map(function (ds, i) {
      var colour = ds.color || PALETTE[i % PALETTE.length];
      return {
        label: String(ds.label || ""),
        data: (ds.data || []).map(function (v) { return v === null ? null : Number(v); }),
        backgroundColor: type === "line" ? colour + "33" : colour,
        borderColor: colour,
        borderWidth: type === "line" ? 2 : 0,
        tension: 0.2,
        fill: false
      };
    });
    var stacked = !!spec.stacked;
    return {
      type: type,
      data: { labels: (spec.labels || []).map(String), datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + groupDigits(ctx.parsed.y);
              }
            }
          }
        },
        scales: {
          x: { stacked: stacked },
          y: {
            stacked: stacked,
            beginAtZero: true,
            title: { display: !!spec.y_label, text: String(spec.y_label || "") },
            ticks: { callback: function (v) { return groupDigits(v); } }
          }
        }
      }
    };
  }

  function draw(canvas) {
    if (canvas.dataset.ctxhChartDrawn || typeof window.Chart === "undefined") return;
    var spec = readData(canvas.dataset.ctxhChart);
    if (!spec) return;
    canvas.dataset.ctxhChartDrawn = "1";
    new window.Chart(canvas, config(spec));
  }

  function drawAll(root) {
    var canvases = (root || document).querySelectorAll("canvas[data-ctxh-chart]");
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
  }

  window.ctxhCharts = { drawAll: drawAll, groupDigits: groupDigits };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  // Content swapped in by HTMX may bring charts of its own.
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
