/* The map of the location admin (resources/admin_geocoding.py).

   Shows the location's point (the latitude and longitude fields) as a marker on Leaflet (our
   static copy, loaded by the page) with tiles from MAP_TILE_URL. Dragging the marker, or clicking
   the map, writes the new point into the two fields, rounded to 6 decimals (about 10 cm); typing
   in the fields moves the marker. Without JavaScript the map stays hidden and the fields are the
   way to set the point. No inline style or code (the admin's CSP): Leaflet sets its style
   properties from script, which a CSP allows. */
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("[data-location-map]");
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var L = window.L;
    if (!box || !latitude || !longitude || !L || !window.Dir211Leaflet) {
      return;
    }
    var help = document.querySelector("[data-location-map-help]");
    var data = box.getAttribute.bind(box);
    box.hidden = false;
    if (help) {
      help.hidden = false;
    }

    function typed() {
      var lat = parseFloat(latitude.value.replace(",", "."));
      var lon = parseFloat(longitude.value.replace(",", "."));
      if (isNaN(lat) || isNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
        return null;
      }
      return L.latLng(lat, lon);
    }

    var map = L.map(box, { scrollWheelZoom: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    window.Dir211Leaflet.tiles(L, map, data);
    var icon = window.Dir211Leaflet.icon(L, data);
    var marker = null;

    function write(point) {
      latitude.value = point.lat.toFixed(6);
      longitude.value = point.lng.toFixed(6);
      [latitude, longitude].forEach(function (field) {
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    function place(point) {
      if (marker) {
        marker.setLatLng(point);
        return;
      }
      marker = L.marker(point, {
        icon: icon,
        draggable: true,
        alt: data("data-marker-label"),
        title: data("data-marker-label")
      }).addTo(map);
      marker.on("dragend", function () {
        write(marker.getLatLng());
      });
    }

    var point = typed();
    if (point) {
      place(point);
      map.setView(point, 16);
    } else {
      map.setView([parseFloat(data("data-centre-lat")), parseFloat(data("data-centre-lon"))], 12);
    }
    map.on("click", function (event) {
      place(event.latlng);
      write(event.latlng);
    });
    [latitude, longitude].forEach(function (field) {
      field.addEventListener("input", function () {
        var moved = typed();
        if (moved) {
          place(moved);
          map.panTo(moved);
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
