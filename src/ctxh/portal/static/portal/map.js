// ctxh public portal: the facilities map. No inline script (CSP 'self'): the markers come
// from the page's JSON data island (#facility-markers, Django's json_script), the options
// from data- attributes on #portal-map. Markers are DOM elements (one per facility, with
// data-facility-id), so they show without any tile server; names are put in as text.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function notice(text) {
    var box = document.getElementById("map-notice");
    if (!box || !text) return;
    box.textContent = text;
    box.classList.remove("d-none");
  }

  function popup(f) {
    var box = el("div", "portal-map-popup");
    var link = el("a", "fw-semibold", f.name);
    link.href = f.url;
    box.appendChild(link);
    box.appendChild(el("div", "small text-muted", f.kind + (f.ward ? " · " + f.ward : "")));
    if (f.address) box.appendChild(el("div", "small", f.address));
    return box;
  }

  function init() {
    var container = document.getElementById("portal-map");
    var island = document.getElementById("facility-markers");
    if (!container || !island) return;
    var data = container.dataset;
    if (typeof window.L === "undefined") {
      notice(data.noMapText);
      return;
    }
    var L = window.L;
    var facilities = JSON.parse(island.textContent || "[]");
    var map = L.map(container).setView(
      [parseFloat(data.centerLat), parseFloat(data.centerLng)],
      parseInt(data.zoom || "11", 10)
    );
    if (data.tileUrl) {
      var failed = false;
      L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.tileAttribution || "" })
        .on("tileerror", function () {
          if (!failed) {
            failed = true;
            notice(data.tileErrorText);
          }
        })
        .addTo(map);
    } else {
      notice(data.noTilesText);
    }
    var bounds = [];
    facilities.forEach(function (f) {
      var dot = el("span", "portal-marker-dot");
      dot.setAttribute("data-facility-id", String(f.id));
      dot.setAttribute("data-testid", "map-marker");
      dot.title = f.name;
      var marker = L.marker([f.lat, f.lng], {
        icon: L.divIcon({ className: "portal-marker", html: dot, iconSize: [18, 18] }),
        title: f.name,
        alt: f.name,
        keyboard: true,
      }).addTo(map);
      marker.bindPopup(popup(f));
      bounds.push([f.lat, f.lng]);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    else if (bounds.length === 1) map.setView(bounds[0], parseInt(data.zoom || "15", 10));
    container.setAttribute("data-loaded", String(bounds.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
