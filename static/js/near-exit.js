/* Small enhancements; every page works without them.

   "Près de moi" (templates/includes/near_me.html): on a tap only, asks the browser for its
   position, rounds it to 3 decimals (about 100 m, as resources/positions.py does on the server)
   and runs the form's search with lat/lon instead of the place field. The position is kept
   nowhere and sent nowhere else. Refused, unavailable or too slow: a message in the live
   region and the focus in the place field.

   Quick exit (templates/includes/quick_exit.html, on the violence pages): the button and the
   Escape key (a single press, unless a field is being typed in, where Escape keeps its own use)
   replace this page's history entry with a neutral page, so "Back" does not return here. It
   also empties what this device keeps of the site (below), without waiting.

   Offline (directory211/offline.py): registers the site's service worker (the script tag's
   data-service-worker), where the browser has them. The clear button
   (templates/includes/clear_offline.html) empties in one tap the pages the worker kept and any
   storage of this site (keys starting with "directory211", Ma liste's among them), then goes to
   its data-then page. */
(function () {
  "use strict";

  var PREFIX = "directory211";
  var script = document.currentScript;

  function clearStorage() {
    [window.localStorage, window.sessionStorage].forEach(function (storage) {
      try {
        Object.keys(storage).forEach(function (key) {
          if (key.indexOf(PREFIX) === 0) {
            storage.removeItem(key);
          }
        });
      } catch (error) {
        // Storage refused (private mode): nothing kept there.
      }
    });
    // static/js/my-list.js shows the emptied list (its count in the header).
    document.dispatchEvent(new Event(PREFIX + "-cleared"));
  }

  // Resolves once the worker (or, without one, this page) has emptied the caches.
  function clearOffline() {
    clearStorage();
    var worker = "serviceWorker" in navigator && navigator.serviceWorker.controller;
    if (worker) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () {
          resolve();
        };
        worker.postMessage({ type: "clear" }, [channel.port2]);
        window.setTimeout(resolve, 3000);
      });
    }
    if (!("caches" in window)) {
      return Promise.resolve();
    }
    return window.caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf(PREFIX) === 0;
            })
            .map(function (name) {
              return window.caches.delete(name);
            })
        );
      })
      .catch(function () {});
  }

  function clearButton(box) {
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    if (!button || !status) {
      return;
    }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-disabled")) {
        return;
      }
      button.setAttribute("aria-disabled", "true");
      clearOffline().then(function () {
        button.removeAttribute("aria-disabled");
        var then = button.getAttribute("data-then");
        var target = then && new URL(then, window.location.href);
        var here = target && target.pathname + target.search === window.location.pathname + window.location.search;
        if (target && !here) {
          window.location.replace(target.href);
        } else {
          status.textContent = button.getAttribute("data-done");
        }
      });
    });
    box.hidden = false;
    if (window.location.hash === "#" + box.id) {
      status.textContent = button.getAttribute("data-done");
    }
  }

  function rounded(value) {
    return (Math.round(value * 1000) / 1000).toFixed(3);
  }

  function nearMe(button) {
    var form = button.form;
    var status = document.getElementById(button.getAttribute("data-status"));
    var place = document.getElementById(button.getAttribute("data-place-field"));
    if (!form || !status || !place) {
      return;
    }
    var asking = false;

    function say(text) {
      status.textContent = text;
    }

    function failed() {
      asking = false;
      button.removeAttribute("aria-disabled");
      say(button.getAttribute("data-failed"));
      // Read with the field when it takes the focus, as well as in the live region.
      var described = (place.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(status.id) === -1) {
        described.push(status.id);
        place.setAttribute("aria-describedby", described.join(" ").trim());
      }
      place.focus();
    }

    function found(position) {
      var params = new URLSearchParams(new FormData(form));
      ["place", "postal_code", "municipality", "lat", "lon", "page"].forEach(function (name) {
        params.delete(name);
      });
      var kept = new URLSearchParams();
      params.forEach(function (value, name) {
        if (value !== "") {
          kept.append(name, value);
        }
      });
      kept.append("lat", rounded(position.coords.latitude));
      kept.append("lon", rounded(position.coords.longitude));
      var action = form.getAttribute("action") || window.location.pathname;
      window.location.assign(action.split("?")[0] + "?" + kept.toString());
    }

    button.addEventListener("click", function () {
      if (asking) {
        return;
      }
      if (!("geolocation" in navigator)) {
        failed();
        return;
      }
      asking = true;
      button.setAttribute("aria-disabled", "true");
      say(button.getAttribute("data-waiting"));
      navigator.geolocation.getCurrentPosition(found, failed, {
        enableHighAccuracy: false,
        timeout: 10000,
        maximumAge: 5 * 60 * 1000
      });
    });
    button.hidden = false;
  }

  function quickExit(link) {
    function leave(event) {
      if (event) {
        event.preventDefault();
      }
      clearOffline();
      window.location.replace(link.href);
    }

    function typing(target) {
      if (!target || !target.tagName) {
        return false;
      }
      var tag = target.tagName.toLowerCase();
      return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
    }

    link.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) {
        return;
      }
      if (typing(event.target)) {
        return;
      }
      leave(event);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-near-me]"), nearMe);
  var exit = document.querySelector("[data-quick-exit]");
  if (exit) {
    quickExit(exit);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-clear-offline]"), clearButton);
  var worker = script && script.getAttribute("data-service-worker");
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker).catch(function () {});
    });
  }
})();
