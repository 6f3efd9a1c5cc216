/* Break-room screens (kiosk/screen.html): rotate the slides, fetch new ones every few
   minutes, and never leave the page for a browser error when the network drops.

   Written for old TV browsers: ES5, XMLHttpRequest, no modules. Loaded with `defer`; no
   inline script (strict CSP). Without this file the page still works: it reloads itself to
   the next slide (<noscript> refresh).

   - A slide every data-rotate-seconds. A video slide ([data-kiosk-video]) plays its video
     from the start, muted with its captions showing, and moves on when it ends (at most
     data-play-seconds in, plus a little time to load); leaving the slide stops it and drops
     its file, so hidden slides fetch nothing and each showing is one play (the server counts
     requests for the file's first byte). If it can't play (autoplay refused, the network),
     the poster stays and the slide keeps the normal time.
   - data-slides-url fetched every data-refresh-seconds. On failure (offline, server down)
     the current slides stay, a small "Offline" note shows, and it tries again after
     data-retry-seconds. A 404 or 410 means the screen was switched off: the page reloads
     to show the server's message (the server just answered, so the reload can't fail on
     the network).
   - A page left open for weeks: once a day, right after a successful fetch (so the network
     is there), the whole page reloads, dropping anything a long-lived page accumulates.
   - New slides fetched while a video plays wait until it has finished, so a refresh never
     cuts a video short. */
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
  var rotateTimer = null;
  var busy = false;
  // The <video> of the shown slide while it plays (null otherwise), and new slides that
  // arrived meanwhile.
  var playing = null;
  var pendingHtml = null;
  // Time for a video to start on a slow network before the slide gives up on its end.
  var LOAD_GRACE_MS = 15000;

  function seconds(value, fallback) {
    var number = parseInt(value, 10);
    return (isNaN(number) || number <= 0 ? fallback : number) * 1000;
  }

  function slides() {
    return container.querySelectorAll("[data-slide]");
  }

  function scheduleRotate(delay) {
    window.clearTimeout(rotateTimer);
    rotateTimer = paused ? null : window.setTimeout(rotate, delay);
  }

  function videoOf(slide) {
    return slide ? slide.querySelector("[data-kiosk-video]") : null;
  }

  function showCaptions(video) {
    var tracks = video.textTracks;
    if (tracks && tracks.length) {
      tracks[0].mode = "showing";
    }
  }

  function stopVideo() {
    var video = playing;
    playing = null;
    if (!video) {
      return;
    }
    video.onended = video.onerror = video.ontimeupdate = null;
    try {
      video.pause();
      // Dropping the file ends its download and shows the poster again.
      video.removeAttribute("src");
      video.load();
    } catch (error) {
      // An old browser's media element: nothing more to stop.
    }
  }

  // The video can't play: its poster and words stay for the normal time.
  function videoFailed(video) {
    if (playing !== video) {
      return;
    }
    stopVideo();
    scheduleRotate(rotateMs);
  }

  function videoDone(video) {
    if (playing === video && !paused) {
      rotate();
    }
  }

  // Play `video` from the start; false if this browser can't play videos at all.
  function startVideo(video) {
    var src = video.getAttribute("data-src");
    if (!src || typeof video.play !== "function") {
      return false;
    }
    var limit = seconds(video.getAttribute("data-play-seconds"), 90) / 1000;
    playing = video;
    video.muted = true;
    video.setAttribute("preload", "auto");
    video.onended = function () {
      videoDone(video);
    };
    video.onerror = function () {
      videoFailed(video);
    };
    video.ontimeupdate = function () {
      if (video.currentTime >= limit) {
        videoDone(video);
      }
    };
    video.src = src;
    video.load();
    showCaptions(video);
    scheduleRotate(limit * 1000 + LOAD_GRACE_MS);
    if (paused) {
      return true;
    }
    var result;
    try {
      result = video.play();
    } catch (error) {
      videoFailed(video);
      return true;
    }
    if (result && typeof result.then === "function") {
      result.then(
        function () {
          showCaptions(video);
        },
        function () {
          videoFailed(video);
        }
      );
    }
    return true;
  }

  function show(next) {
    var all = slides();
    stopVideo();
    if (!all.length) {
      scheduleRotate(rotateMs);
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
    var video = videoOf(all[index]);
    if (!video || !startVideo(video)) {
      scheduleRotate(rotateMs);
    }
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
    if (paused) {
      return;
    }
    if (pendingHtml !== null) {
      var html = pendingHtml;
      pendingHtml = null;
      replaceSlides(html, 1);
      return;
    }
    show(index + 1);
  }

  function shownUrl() {
    var all = slides();
    return all.length ? all[index].getAttribute("data-url") : null;
  }

  // Swap in new slides and show the one after the slide shown now (step 1), or the same
  // slide again (step 0).
  function replaceSlides(html, step) {
    var keep = shownUrl();
    stopVideo();
    container.innerHTML = html; // our own server's partial; the old nodes are released
    var all = slides();
    var next = 0;
    for (var i = 0; i < all.length; i += 1) {
      if (keep && all[i].getAttribute("data-url") === keep) {
        next = i + step;
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
      if (playing) {
        pendingHtml = request.responseText; // shown when the video has finished
      } else {
        pendingHtml = null;
        replaceSlides(request.responseText, 0);
      }
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

  // Pause stops the rotation and the video (WCAG 2.2.2); Play goes on where it stopped.
  function togglePause() {
    paused = !paused;
    pauseButton.textContent = pauseButton.getAttribute(paused ? "data-label-play" : "data-label-pause");
    pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
    if (paused) {
      window.clearTimeout(rotateTimer);
      rotateTimer = null;
      if (playing) {
        playing.pause();
      }
      return;
    }
    if (!playing) {
      scheduleRotate(rotateMs);
      return;
    }
    var video = playing;
    var limit = seconds(video.getAttribute("data-play-seconds"), 90);
    if (video.ended || video.currentTime * 1000 >= limit) {
      rotate();
      return;
    }
    scheduleRotate(limit - video.currentTime * 1000 + LOAD_GRACE_MS);
    var result;
    try {
      result = video.play();
    } catch (error) {
      videoFailed(video);
      return;
    }
    if (result && typeof result.then === "function") {
      result.then(null, function () {
        videoFailed(video);
      });
    }
  }

  document.documentElement.className += " kiosk--js";
  index = currentIndex();
  show(index);
  pauseButton.removeAttribute("hidden");
  pauseButton.setAttribute("aria-pressed", "false");
  pauseButton.addEventListener("click", togglePause);
  schedule(refreshMs);
})();
