// ctxh: the facilities map. No inline script (CSP): the page passes everything through
// data- attributes on #facility-map; markers come from the scoped JSON endpoint.
// With no tile server configured, or none reachable, the markers still show on a blank
// background and the list beside the map stays usable.
// Names and every other value from the data are put in the page as text (textContent,
// DOM nodes), never as HTML: Leaflet would parse a string given to bindPopup/bindTooltip.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatNumber(value) {
    if (value === null || value === undefined) return "—";
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function popupContent(f, labels) {
    var box = el("div", "ctxh-map-popup");
    var link = el("a", "fw-semibold", f.name);
    link.href = f.url;
    box.appendChild(link);
    box.appendChild(el("div", "small text-muted", f.kind + (f.ward ? " · " + f.ward : "")));
    box.appendChild(
      el("div", "small", labels.capacity + ": " + formatNumber(f.capacity) +
        " · " + labels.residents + ": " + formatNumber(f.residents))
    );
    if (f.social_work) box.appendChild(el("span", "badge text-bg-success", labels.socialWork));
    return box;
  }

  function showNotice(container, text) {
    var notice = document.getElementById("map-notice");
    if (!notice || !text) return;
    notice.textContent = text;
    notice.classList.remove("d-none");
  }

  function init() {
    var container = document.getElementById("facility-map");
    if (!container) return;
    var data = container.dataset;
    if (typeof window.L === "undefined") {
      showNotice(container, data.noMapText);
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
            showNotice(container, data.tileErrorText);
          }
        })
        .addTo(map);
    } else {
      showNotice(container, data.noTilesText);
    }
    var labels = {
      capacity: data.labelCapacity,
      residents: data.labelResidents,
      socialWork: data.labelSocialWork,
    };
    var markers = {};
    fetch(data.markersUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (payload) {
        var bounds = [];
        payload.facilities.forEach(function (f) {
          var marker = L.circleMarker([f.lat, f.lng], {
            radius: 7,
            weight: 2,
            color: f.ownership === "public" ? "#0b5394" : "#b45f06",
            fillColor: f.social_work ? "#38a169" : "#ffffff",
            fillOpacity: 0.9,
          }).addTo(map);
          marker.bindPopup(popupContent(f, labels));
          marker.bindTooltip(el("span", null, f.name));
          markers[f.id] = marker;
          bounds.push([f.lat, f.lng]);
        });
        if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
        container.setAttribute("data-loaded", String(payload.count));
      })
      .catch(function () {
        showNotice(container, data.markersErrorText);
      });

    // "Show on map" buttons in the list beside the map.
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-show-facility]");
      if (!button) return;
      var marker = markers[button.getAttribute("data-show-facility")];
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
