/* "Ma liste" with JavaScript: a progressive enhancement of the list that lives in the URL
   (resources/my_list.py, `/fr/ma-liste/?ids=<uuid>,...`), which keeps working without it.

   - The list's ids are also kept in this browser (localStorage, key KEY: it starts with
     "directory211", so the clear button and the quick exit of near-exit.js empty it too). Only
     the ids; never the note typed on the list page.
   - "Ajouter à ma liste" (cards, service pages) adds without leaving the page: the link gives
     way to "Ajouté ✓" and a "Retirer" button, a live region says so, and the header's "Ma liste"
     link shows the count and points at the list's address.
   - The list page: opened with ids, that list becomes the kept one (a shared link replaces the
     list this browser kept: the list in view is the list); opened without, it fetches
     the page of the kept ids and puts it in place (history.replaceState: the address holds the
     list again). Move up, move down, remove and clear fetch the page their plain link names and
     put it in place, without reloading, keeping the note and the focus; copy, share (where the
     browser offers it) and print buttons appear; the note prints as text.
   The server keeps nothing: the pages stay cacheable, with no cookie. Without storage (refused,
   private mode), nothing here runs and the plain links do their work. */
(function () {
  "use strict";

  var KEY = "directory211-my-list";
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var script = document.currentScript;
  if (!script || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var text = script.dataset;
  var MAX = Number(text.max) || 30;
  var controls = [];
  var status;

  try {
    window.localStorage.setItem(KEY + "-test", "1");
    window.localStorage.removeItem(KEY + "-test");
  } catch (error) {
    return;
  }

  function read() {
    var value;
    try {
      value = window.localStorage.getItem(KEY) || "";
    } catch (error) {
      value = "";
    }
    return parse(value);
  }

  function parse(value) {
    var ids = [];
    (value || "").split(",").forEach(function (id) {
      id = id.trim().toLowerCase();
      if (UUID.test(id) && ids.indexOf(id) === -1 && ids.length < MAX) {
        ids.push(id);
      }
    });
    return ids;
  }

  function write(ids) {
    try {
      if (ids.length) {
        window.localStorage.setItem(KEY, ids.join(","));
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (error) {
      // Full or refused: the address still holds the list.
    }
    refresh();
  }

  // The server drops unknown and inactive ids, never adds or moves one: a page holding another
  // id or order is some other list (offline, the service worker's last list viewed).
  function within(ids, asked) {
    var next = 0;
    return ids.every(function (id) {
      next = asked.indexOf(id, next) + 1;
      return next > 0;
    });
  }

  function listUrl(ids) {
    return text.listUrl + (ids.length ? "?ids=" + ids.join(",") : "");
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
  }

  function say(message) {
    status.textContent = message;
  }

  function button(label, className) {
    var made = document.createElement("button");
    made.type = "button";
    made.className = className;
    made.textContent = label;
    return made;
  }

  // The header's link and every add control show what is kept now.
  function refresh() {
    var ids = read();
    var header = document.querySelector(".my-list-link a");
    if (header) {
      header.href = listUrl(ids);
      var count = header.querySelector(".my-list-count");
      if (!count) {
        count = document.createElement("span");
        count.className = "my-list-count";
        header.appendChild(count);
      }
      count.textContent = ids.length;
      count.hidden = !ids.length;
    }
    controls.forEach(function (control) {
      var listed = ids.indexOf(control.id) !== -1;
      control.link.hidden = listed;
      control.state.hidden = !listed;
      control.link.href = listUrl(ids.concat(listed ? [] : [control.id]));
    });
  }

  function plainClick(event) {
    return !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button);
  }

  // "Ajouter à ma liste" on a card or a service page (the nearest [data-service-id]).
  function addControl(link) {
    var holder = link.closest("[data-service-id]");
    var id = holder && (holder.getAttribute("data-service-id") || "").toLowerCase();
    if (!id || !UUID.test(id)) {
      return;
    }
    var heading = holder.querySelector("h1, h2, h3");
    var name = heading ? heading.textContent.trim() : "";
    var state = document.createElement("span");
    var added = document.createElement("span");
    var remove = button(text.remove, "list-remove");
    state.className = "list-state";
    added.className = "list-added";
    added.textContent = text.added;
    remove.setAttribute("aria-label", fill(text.removeLabel, { name: name }));
    state.appendChild(added);
    state.appendChild(document.createTextNode(" "));
    state.appendChild(remove);
    link.parentNode.insertBefore(state, link.nextSibling);

    link.addEventListener("click", function (event) {
      if (!plainClick(event)) {
        return;
      }
      event.preventDefault();
      var ids = read();
      if (ids.indexOf(id) === -1) {
        if (ids.length >= MAX) {
          say(text.full);
          return;
        }
        write(ids.concat([id]));
      }
      say(fill(text.saidAdded, { name: name }));
      remove.focus();
    });
    remove.addEventListener("click", function () {
      write(
        read().filter(function (other) {
          return other !== id;
        })
      );
      say(fill(text.saidRemoved, { name: name }));
      link.focus();
    });
    controls.push({ id: id, link: link, state: state });
  }

  // The list page ------------------------------------------------------------------------------

  function listPage(article) {
    var page = article.dataset;
    var KEPT = [".list-note", "#clear-offline"];
    var busy = false;

    function pageIds() {
      return parse(article.getAttribute("data-list-ids"));
    }

    function heading() {
      var title = article.querySelector("h1");
      title.setAttribute("tabindex", "-1");
      return title;
    }

    // The note prints as text (a textarea would be cut at its height); it stays on the page.
    function mirrorNote() {
      var note = article.querySelector(".list-note");
      var field = note && note.querySelector("textarea");
      if (!field || note.querySelector(".list-note-print")) {
        return;
      }
      var printed = document.createElement("div");
      printed.className = "list-note-print print-only";
      note.appendChild(printed);
      note.classList.add("list-note-mirrored");
      function copy() {
        printed.textContent = field.value.trim() ? field.value : "";
      }
      field.addEventListener("input", copy);
      copy();
    }

    function enhance() {
      Array.prototype.forEach.call(article.querySelectorAll("a[data-list-action]"), function (link) {
        var made = button(link.textContent, "list-action");
        ["aria-label", "data-list-action"].forEach(function (name) {
          if (link.hasAttribute(name)) {
            made.setAttribute(name, link.getAttribute(name));
          }
        });
        made.setAttribute("data-href", link.getAttribute("href"));
        link.parentNode.replaceChild(made, link);
      });
      Array.prototype.forEach.call(article.querySelectorAll("[data-list-stored]"), function (shown) {
        shown.hidden = false;
      });
      Array.prototype.forEach.call(article.querySelectorAll("[data-list-url-only]"), function (gone) {
        gone.hidden = true;
      });
      var share = article.querySelector("#share-link");
      var copy = article.querySelector("[data-list-copy]");
      if (copy && share && navigator.clipboard && navigator.clipboard.writeText) {
        copy.hidden = false;
        copy.addEventListener("click", function () {
          navigator.clipboard.writeText(share.value).then(
            function () {
              say(page.copied);
            },
            function () {
              share.select();
              say(page.copyFailed);
            }
          );
        });
      }
      var send = article.querySelector("[data-list-share]");
      if (send && share && navigator.share) {
        send.hidden = false;
        send.addEventListener("click", function () {
          // The link only: never the note.
          navigator.share({ title: document.title, url: share.value }).catch(function () {});
        });
      }
      var print = article.querySelector("[data-list-print]");
      if (print) {
        print.hidden = false;
        print.addEventListener("click", function () {
          window.print();
        });
        var help = article.querySelector(".list-print-help");
        if (help) {
          help.hidden = true;
        }
      }
      mirrorNote();
    }

    // Puts the list page at `url` in place of this one's (the note and the clear button stay).
    function load(url, then) {
      if (busy) {
        return;
      }
      busy = true;
      article.setAttribute("aria-busy", "true");
      var wanted = new URL(url, window.location.href);
      window
        .fetch(wanted.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".my-list");
          // Not the list asked for: load it plainly (as offline, where this fetch fails and the
          // service worker answers the navigation).
          var asked = parse(wanted.searchParams.get("ids"));
          if (!fresh || !within(parse(fresh.getAttribute("data-list-ids")), asked)) {
            throw new Error("other list");
          }
          var nodes = Array.prototype.slice.call(fresh.childNodes).map(function (node) {
            for (var i = 0; node.nodeType === 1 && i < KEPT.length; i += 1) {
              var kept = node.matches(KEPT[i]) && article.querySelector(KEPT[i]);
              if (kept) {
                return kept;
              }
            }
            return document.adoptNode(node);
          });
          while (article.firstChild) {
            article.removeChild(article.firstChild);
          }
          nodes.forEach(function (node) {
            article.appendChild(node);
          });
          article.setAttribute("data-list-ids", fresh.getAttribute("data-list-ids"));
          window.history.replaceState(null, "", wanted.pathname + wanted.search);
          busy = false;
          article.removeAttribute("aria-busy");
          write(pageIds());
          enhance();
          if (then) {
            then();
          }
        })
        .catch(function () {
          window.location.replace(wanted.href);
        });
    }

    function itemOf(id) {
      return id && article.querySelector('.list-item[data-service-id="' + id + '"]');
    }

    function focusIn(item, actions) {
      for (var i = 0; item && i < actions.length; i += 1) {
        var target = item.querySelector('[data-list-action="' + actions[i] + '"]');
        if (target) {
          target.focus();
          return;
        }
      }
      heading().focus();
    }

    article.addEventListener("click", function (event) {
      var target = event.target.closest("button[data-href], a[data-list-clear]");
      if (!target || !plainClick(event)) {
        return;
      }
      event.preventDefault();
      var href = target.getAttribute("data-href") || target.getAttribute("href");
      var action = target.getAttribute("data-list-action");
      var item = target.closest(".list-item");
      var id = item && item.getAttribute("data-service-id");
      var name = item ? item.querySelector("h2").textContent.trim() : "";
      var items = Array.prototype.slice.call(article.querySelectorAll(".list-item"));
      var index = items.indexOf(item);
      load(href, function () {
        var now = article.querySelectorAll(".list-item");
        if (action === "up" || action === "down") {
          var moved = itemOf(id);
          var position = Array.prototype.indexOf.call(now, moved) + 1;
          focusIn(moved, [action, action === "up" ? "down" : "up"]);
          say(fill(page.moved, { name: name, position: position, count: now.length }));
        } else if (action === "remove") {
          focusIn(now[Math.min(index, now.length - 1)], ["remove"]);
          say(fill(text.saidRemoved, { name: name }));
        } else {
          heading().focus();
          say(page.cleared);
        }
      });
    });

    var address = new URLSearchParams(window.location.search);
    var kept = read();
    if (!address.has("ids") && kept.length && pageIds().join() === kept.join()) {
      // Already this list (offline, the worker's copy): the address only.
      window.history.replaceState(null, "", listUrl(kept));
    } else if (!address.has("ids") && kept.length) {
      load(listUrl(kept));
    } else if (within(pageIds(), parse(address.get("ids")))) {
      write(pageIds());
    }
    enhance();
  }

  // ---------------------------------------------------------------------------------------------

  status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  Array.prototype.forEach.call(document.querySelectorAll("a.add-to-list, .add-to-list a"), addControl);
  var article = document.querySelector(".my-list[data-list-ids]");
  if (article) {
    listPage(article);
  }
  refresh();

  // Another tab, the clear button (near-exit.js) or a page restored from the back-forward cache.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) {
      refresh();
    }
  });
  document.addEventListener("directory211-cleared", refresh);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      refresh();
    }
  });
})();
