/* What the public map (static/js/map.js) and the location admin's map
   (static/js/admin-location-map.js) set up alike on Leaflet: the tile layer and the marker icon,
   both read from data attributes of the map's element (`read` is its getAttribute), so that the
   tile server (MAP_TILE_URL), its attribution and the icons' hashed static addresses come from
   the page, never from this file. Loaded after Leaflet, before the map that uses it. */
(function () {
  "use strict";

  window.Dir211Leaflet = {
    tiles: function (L, map, read) {
      return L.tileLayer(read("data-tile-url"), {
        attribution: read("data-attribution"),
        maxZoom: 19,
        // The tile server learns this site's origin, never the page's address (which may hold
        // the visitor's rounded position).
        referrerPolicy: "strict-origin"
      }).addTo(map);
    },
    icon: function (L, read) {
      return L.icon({
        iconUrl: read("data-icon"),
        iconRetinaUrl: read("data-icon-2x"),
        shadowUrl: read("data-icon-shadow"),
        iconSize: [25, 41],
        iconAnchor: [12, 41],
        popupAnchor: [1, -34],
        tooltipAnchor: [16, -28],
        shadowSize: [41, 41]
      });
    }
  };
})();
