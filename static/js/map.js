/* The map of a results or service page (templates/includes/map.html, resources/maps.py).

   The page loads this file only. Leaflet (django-leaflet's copy, served from our static files)
   and the tiles are fetched when the visitor presses "Voir la carte": then this adds Leaflet's
   stylesheet and script, and draws the markers of the page's JSON data block. Until then no
   request leaves for the tile server. Without JavaScript the button stays hidden and the list,
   with its directions links, is the page.

   The markers are Leaflet's: focusable, named (alt and title), Enter opens their popup. Their
   images are given by URL (data-icon...), not guessed by Leaflet from its stylesheet. No inline
   style or code: Leaflet sets its own style properties from script, which a CSP allows. */
(function () {
  "use strict";

  var box = document.querySelector("[data-map]");
  if (!box) {
    return;
  }
  var button = box.querySelector("[data-map-toggle]");
  var region = box.querySelector(".map-region");
  var canvas = box.querySelector("[data-map-canvas]");
  var status = box.querySelector("[data-map-status]");
  var block = document.getElementById(box.getAttribute("data-map-data"));
  if (!button || !region || !canvas || !status || !block) {
    return;
  }
  var data;
  try {
    data = JSON.parse(block.textContent);
  } catch (error) {
    return;
  }
  var label = box.getAttribute.bind(box);
  var map = null;
  var loading = false;

  function loaded(callback) {
    if (window.L && window.Dir211Leaflet) {
      callback(true);
      return;
    }
    var waiting = 2;
    var failed = false;
    function done(ok) {
      failed = failed || !ok;
      waiting -= 1;
      if (waiting === 0) {
        callback(!failed && Boolean(window.L && window.Dir211Leaflet));
      }
    }
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = label("data-leaflet-css");
    sheet.onload = function () { done(true); };
    sheet.onerror = function () { done(false); };
    document.head.appendChild(sheet);
    var script = document.createElement("script");
    script.src = label("data-leaflet-js");
    // Leaflet first, then what both maps set up on it (static/js/leaflet-setup.js).
    script.onload = function () {
      var setup = document.createElement("script");
      setup.src = label("data-leaflet-setup");
      setup.onload = function () { done(Boolean(window.Dir211Leaflet)); };
      setup.onerror = function () { done(false); };
      document.head.appendChild(setup);
    };
    script.onerror = function () { done(false); };
    document.head.appendChild(script);
  }

  function popup(item) {
    var content = document.createElement("div");
    var name = document.createElement("a");
    name.href = item.href;
    name.className = "map-popup-name";
    name.textContent = item.name;
    if (item.lang) {
      name.lang = item.lang;
    }
    content.appendChild(name);
    if (item.detail) {
      var detail = document.createElement("p");
      detail.className = "map-popup-detail";
      detail.textContent = item.detail;
      content.appendChild(detail);
    }
    return content;
  }

  function draw() {
    var L = window.L;
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    map = L.map(canvas, {
      zoomControl: false,
      attributionControl: false,
      // The page scrolls under the wheel; zoom with the buttons, +/- or two fingers.
      scrollWheelZoom: false,
      zoomAnimation: !still,
      fadeAnimation: !still,
      markerZoomAnimation: !still
    });
    L.control.zoom({
      zoomInTitle: label("data-zoom-in"),
      zoomOutTitle: label("data-zoom-out")
    }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' }).addTo(map);
    window.Dir211Leaflet.tiles(L, map, label);
    var icon = window.Dir211Leaflet.icon(L, label);
    var bounds = [];
    (data.markers || []).forEach(function (item) {
      var point = [item.lat, item.lon];
      L.marker(point, { icon: icon, alt: item.name, title: item.name, keyboard: true })
        .bindPopup(popup(item))
        .addTo(map);
      bounds.push(point);
    });
    if (data.position) {
      var here = [data.position.lat, data.position.lon];
      L.circleMarker(here, { radius: 9, weight: 3, color: "#ffffff", fillColor: "#b3261e", fillOpacity: 1 })
        .bindTooltip(data.position.label)
        .addTo(map);
      bounds.push(here);
    }
    map.on("popupopen", function (event) {
      // Leaflet names its close button in English.
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", label("data-close"));
        close.setAttribute("title", label("data-close"));
      }
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [32, 32], maxZoom: 15 });
    }
  }

  function show(open) {
    region.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = label(open ? "data-hide" : "data-show");
    box.classList.toggle("page-map-open", open);
  }

  button.addEventListener("click", function () {
    if (loading) {
      return;
    }
    if (map) {
      show(region.hidden);
      if (!region.hidden) {
        map.invalidateSize();
      }
      return;
    }
    loading = true;
    button.setAttribute("aria-disabled", "true");
    status.textContent = label("data-loading");
    loaded(function (ok) {
      loading = false;
      button.removeAttribute("aria-disabled");
      if (!ok) {
        status.textContent = label("data-failed");
        return;
      }
      status.textContent = "";
      show(true);
      draw();
    });
  });
  box.hidden = false;
})();
