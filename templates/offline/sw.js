/* The directory's own service worker (directory211/offline.py serves it at /sw.js; no third-party
   code). Progressive enhancement: every page works without it.

   - Pages (GET, this site, HTML): network first; a successful answer is kept (at most
     CONFIG.maxPages pages, the oldest dropped first), and shown when the network fails.
   - A page never viewed, offline: the offline page of its language (kept at install).
   - Ma liste, offline: the list at that address if kept, else the last list viewed.
   - Never kept: a response carrying CONFIG.header = CONFIG.notKept (the violence sectors' pages,
     resources/safety.py; a copy kept earlier under that address is dropped), the admin, the
     API and the other CONFIG.never paths, an address holding a position (lat, lon), non-GET
     requests, errors and redirects.
   - Static files: the kept copy first (their names change with their content in production).
   - A page may post {type: "clear"}: every cache of this worker is emptied (static/js/near-exit.js:
     the clear button and the quick exit). */
"use strict";

const CONFIG = {{ config|safe }};
const PREFIX = "directory211-";
const PAGES = PREFIX + "pages";
const STATIC = PREFIX + "static-" + CONFIG.version;
const MAX_STATIC = 20;

function never(url) {
  return CONFIG.never.some(function (path) {
    return url.pathname === path || url.pathname.startsWith(path);
  });
}

// A page whose address holds a position (the "near me" search) is not kept on the device.
function withPosition(url) {
  return CONFIG.positionParams.some(function (name) {
    return url.searchParams.has(name);
  });
}

function isList(url) {
  return CONFIG.lists.indexOf(url.pathname) !== -1;
}

function offlineUrl(url) {
  const codes = Object.keys(CONFIG.offline);
  const code = codes.find(function (c) {
    return url.pathname.startsWith("/" + c + "/");
  });
  return CONFIG.offline[code || codes[0]];
}

function keepable(response) {
  return (
    response.ok &&
    response.status === 200 &&
    response.type === "basic" &&
    !response.redirected &&
    response.headers.get(CONFIG.header) !== CONFIG.notKept &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0
  );
}

async function trim(cache, max) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - max; i += 1) {
    await cache.delete(keys[i]);
  }
}

async function keep(request, response) {
  const cache = await caches.open(PAGES);
  // Deleted then put, so that the keys stay in the order of the last visit.
  await cache.delete(request);
  await cache.put(request, response);
  await trim(cache, CONFIG.maxPages);
}

async function forget(request) {
  const cache = await caches.open(PAGES);
  await cache.delete(request);
}

async function lastList(url) {
  const cache = await caches.open(PAGES);
  const keys = await cache.keys();
  for (let i = keys.length - 1; i >= 0; i -= 1) {
    if (new URL(keys[i].url).pathname === url.pathname) {
      return cache.match(keys[i]);
    }
  }
  return undefined;
}

async function page(event, url) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (keepable(response) && !withPosition(url)) {
      event.waitUntil(keep(request, response.clone()));
    } else if (response.headers.get(CONFIG.header) === CONFIG.notKept) {
      event.waitUntil(forget(request));
    }
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    const kept = await cache.match(request);
    if (kept) {
      return kept;
    }
    if (isList(url)) {
      const list = await lastList(url);
      if (list) {
        return list;
      }
    }
    const offline = await caches.match(offlineUrl(url), { cacheName: STATIC });
    return offline || Response.error();
  }
}

async function staticFile(request) {
  const cache = await caches.open(STATIC);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
    await trim(cache, MAX_STATIC + CONFIG.precache.length);
  }
  return response;
}

// Everything this worker kept goes; then the offline pages come back (they hold nothing of
// the visit), when there is a connection.
async function clearAll() {
  const names = await caches.keys();
  await Promise.all(
    names
      .filter(function (name) {
        return name.startsWith(PREFIX);
      })
      .map(function (name) {
        return caches.delete(name);
      })
  );
  try {
    const cache = await caches.open(STATIC);
    await cache.addAll(CONFIG.precache);
  } catch (error) {
    // Offline: they come back with the next visit's install or clear.
  }
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC)
      .then(function (cache) {
        return cache.addAll(CONFIG.precache);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.startsWith(PREFIX + "static-") && name !== STATIC;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || never(url)) {
    return;
  }
  if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  }
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "clear") {
    const port = event.ports && event.ports[0];
    event.waitUntil(
      clearAll().then(function () {
        if (port) {
          port.postMessage("cleared");
        }
      })
    );
  }
});
