/* Break-room screens (kiosk/screen.html): rotate the slides, fetch new ones every few
   minutes, and never leave the page for a browser error when the network drops.

   Written for old TV browsers: ES5, XMLHttpRequest, no modules. Loaded with `defer`; no
   inline script (strict CSP). Without this file the page still works: it reloads itself to
   the next slide (<noscript> refresh).

   - A slide every data-rotate-seconds.
   - data-slides-url fetched every data-refresh-seconds. On failure (offline, server down)
     the current slides stay, a small "Offline" note shows, and it tries again after
     data-retry-seconds. A 404 or 410 means the screen was switched off: the page reloads
     to show the server's message (the server just answered, so the reload can't fail on
     the network).
   - A page left open for weeks: once a day, right after a successful fetch (so the network
     is there), the whole page reloads, dropping anything a long-lived page accumulates. */
(function () {
  "use strict";

  var root = document.querySelector("[data-kiosk]");
  if (!root) {
    return;
  }
  var DAY_MS = 24 * 60 * 60 * 1000;
  var REQUEST_TIMEOUT_MS = 20000;
  var rotateMs = seconds(root.getAttribute("data-rotate-seconds"), 12);
  var refreshMs = seconds(root.getAttribute("data-refresh-seconds"), 180);
  var retryMs = seconds(root.getAttribute("data-retry-seconds"), 30);
  var slidesUrl = root.getAttribute("data-slides-url");
  var container = document.getElementById("kiosk-slides");
  var offlineNote = document.getElementById("kiosk-offline");
  var counter = document.getElementById("kiosk-count");
  var pauseButton = document.getElementById("kiosk-pause");
  var loadedAt = Date.now();
  var index = 0;
  var paused = false;
  var refreshTimer = null;
  var busy = false;

  function seconds(value, fallback) {
    var number = parseInt(value, 10);
    return (isNaN(number) || number <= 0 ? fallback : number) * 1000;
  }

  function slides() {
    return container.querySelectorAll("[data-slide]");
  }

  function show(next) {
    var all = slides();
    if (!all.length) {
      return;
    }
    index = ((next % all.length) + all.length) % all.length;
    for (var i = 0; i < all.length; i += 1) {
      if (i === index) {
        all[i].removeAttribute("hidden");
      } else {
        all[i].setAttribute("hidden", "");
      }
    }
    counter.textContent = all.length > 1 ? index + 1 + " / " + all.length : "";
  }

  function currentIndex() {
    var all = slides();
    for (var i = 0; i < all.length; i += 1) {
      if (!all[i].hasAttribute("hidden")) {
        return i;
      }
    }
    return 0;
  }

  function rotate() {
    if (!paused) {
      show(index + 1);
    }
  }

  function shownUrl() {
    var all = slides();
    return all.length ? all[index].getAttribute("data-url") : null;
  }

  function replaceSlides(html) {
    var keep = shownUrl();
    container.innerHTML = html; // our own server's partial; the old nodes are released
    var all = slides();
    var next = 0;
    for (var i = 0; i < all.length; i += 1) {
      if (keep && all[i].getAttribute("data-url") === keep) {
        next = i;
        break;
      }
    }
    show(next);
  }

  function schedule(delay) {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(refresh, delay);
  }

  function failed() {
    offlineNote.removeAttribute("hidden");
    schedule(retryMs);
  }

  function refresh() {
    if (busy) {
      return;
    }
    busy = true;
    var request = new XMLHttpRequest();
    request.open("GET", slidesUrl, true);
    request.timeout = REQUEST_TIMEOUT_MS;
    request.setRequestHeader("Accept", "text/html");
    request.onload = function () {
      busy = false;
      if (request.status === 404 || request.status === 410) {
        window.location.reload();
        return;
      }
      if (request.status !== 200) {
        failed();
        return;
      }
      offlineNote.setAttribute("hidden", "");
      if (Date.now() - loadedAt > DAY_MS) {
        window.location.reload();
        return;
      }
      replaceSlides(request.responseText);
      schedule(refreshMs);
    };
    request.onerror = request.ontimeout = request.onabort = function () {
      busy = false;
      failed();
    };
    try {
      request.send();
    } catch (error) {
      busy = false;
      failed();
    }
  }

  function togglePause() {
    paused = !paused;
    pauseButton.textContent = pauseButton.getAttribute(paused ? "data-label-play" : "data-label-pause");
    pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
  }

  document.documentElement.className += " kiosk--js";
  index = currentIndex();
  show(index);
  pauseButton.removeAttribute("hidden");
  pauseButton.setAttribute("aria-pressed", "false");
  pauseButton.addEventListener("click", togglePause);
  window.setInterval(rotate, rotateMs);
  schedule(refreshMs);
})();
