// ctxh: the practice network's map. No inline script (CSP): the page passes its settings
// through data- attributes on #network-map and the sites as JSON (#network-markers).
// Without a tile server, or with none reachable, the markers still show on a blank
// background and the list beside the map stays usable. Values are put in the page as
// text (DOM nodes), never as HTML.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function showNotice(text) {
    var notice = document.getElementById("map-notice");
    if (!notice || !text) return;
    notice.textContent = text;
    notice.classList.remove("d-none");
  }

  function init() {
    var container = document.getElementById("network-map");
    var source = document.getElementById("network-markers");
    if (!container || !source) return;
    var data = container.dataset;
    if (typeof window.L === "undefined") {
      showNotice(data.noMapText);
      return;
    }
    var L = window.L;
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
            showNotice(data.tileErrorText);
          }
        })
        .addTo(map);
    } else {
      showNotice(data.noTilesText);
    }
    var sites = JSON.parse(source.textContent || "[]");
    var markers = {};
    var bounds = [];
    // The popup is built as DOM nodes (text, never HTML): a site's name cannot inject markup.
    function popupContent(s) {
      var box = el("div");
      var link = el("a", "fw-semibold", s.name);
      link.href = data.detailUrl.replace(/\/0\/$/, "/" + s.id + "/");
      box.appendChild(link);
      if (s.address) box.appendChild(el("div", "small text-muted", s.address));
      box.appendChild(el("div", "small",
        data.labelInstructors + ": " + s.instructors + " · " + data.labelSeats + ": " + s.seats));
      return box;
    }
    sites.forEach(function (s) {
      var marker = L.circleMarker([s.lat, s.lng], {
        radius: 7, weight: 2, color: "#0b5394", fillColor: s.seats ? "#38a169" : "#ffffff",
        fillOpacity: 0.9,
      }).addTo(map);
      marker.bindPopup(popupContent(s));
      marker.bindTooltip(el("span", null, s.name));
      markers[s.id] = marker;
      bounds.push([s.lat, s.lng]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    container.setAttribute("data-loaded", String(sites.length));

    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-show-site]");
      if (!button) return;
      var marker = markers[button.getAttribute("data-show-site")];
      if (!marker) return;
      event.preventDefault();
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15));
      marker.openPopup();
      container.scrollIntoView({ behavior: "smooth", block: "nearest" });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
