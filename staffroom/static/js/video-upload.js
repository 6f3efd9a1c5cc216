/* Chunked, resumable video upload (media/_upload.html; the protocol is described in
   staffroom/media/views/upload.py). Without this script the form sends the whole file.

   With it: POST the name and size, then PUT the file in chunks with Content-Range, showing
   progress. A dropped connection or a 5xx retries with growing pauses (2, 4, 8… up to 30 s,
   for as long as the page is open), asking the server where it stands before continuing; a
   503 with Retry-After (another request is still saving the same chunk) waits just that
   long. A full disk (507) pauses with a "Try again" button. A 409 is where to continue from,
   unless its code is "post_live" (the post was published meanwhile: the upload is refused and
   the post keeps its video), which stops with its message, as other 4xx errors do.
   The upload is remembered per post in localStorage, so after a reload picking the same file
   (same name, size and date) continues from what the server has. */
(function () {
  "use strict";

  var MAX_DELAY = 30;
  var JSON_TYPE = "application/json";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
  }

  function bytes(count) {
    var units = ["bytes", "KB", "MB", "GB", "TB"];
    var unit = 0;
    while (count >= 1024 && unit < units.length - 1) { count /= 1024; unit += 1; }
    return (unit === 0 ? count : count.toFixed(1).replace(/\.0$/, "")) + " " + units[unit];
  }

  function enhance(form) {
    var data = form.dataset;
    var text = {}; // the translated sentences, from data-text-* ("textSignedOut" → signedOut)
    Object.keys(data).forEach(function (key) {
      if (key.indexOf("text") === 0) { text[key.charAt(4).toLowerCase() + key.slice(5)] = data[key]; }
    });
    var input = form.querySelector("input[type=file]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var errorBox = form.parentElement.querySelector("[data-upload-error]");
    var box = form.querySelector("[data-upload-progress-box]");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-upload-status]");
    var note = form.querySelector("[data-upload-note]");
    var submit = form.querySelector("[type=submit]");
    var pauseButton = form.querySelector("[data-upload-pause]");
    var retryButton = form.querySelector("[data-upload-retry]");
    var storageKey = "staffroom:video-upload:" + data.post;
    var up = null; // {file, url, pageUrl, offset, chunk}
    var controller = null;
    var paused = false;
    var delay = 2;
    var timer = null;
    var waiting = false; // between a failure and the next try
    var lastSpoken = 0;

    function request(url, options) {
      options.headers = Object.assign({ "Accept": JSON_TYPE, "X-CSRFToken": token }, options.headers);
      options.credentials = "same-origin";
      controller = new AbortController();
      options.signal = controller.signal;
      return fetch(url, options).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var wait = parseInt(response.headers.get("Retry-After") || "", 10);
        if (type.indexOf(JSON_TYPE) === -1) {
          // A sign-in page after a redirect (the session ended), or a proxy's error page.
          if (response.redirected) { return { status: 401, data: { error: text.signedOut } }; }
          return { status: response.status, data: { error: text.failed } };
        }
        return response.json().then(function (data) {
          return { status: response.status, data: data, retryAfter: wait > 0 ? wait : 0 };
        });
      });
    }

    function showError(message) {
      errorBox.textContent = "";
      if (!message) { return; }
      var p = document.createElement("p");
      p.className = "notice notice--error";
      p.textContent = message;
      errorBox.appendChild(p);
    }

    function showProgress(force) {
      bar.max = up.file.size;
      bar.value = up.offset;
      var now = Date.now();
      if (force || now - lastSpoken >= 1000) {
        lastSpoken = now;
        status.textContent = fill(text.progress, { done: bytes(up.offset), total: bytes(up.file.size) });
      }
    }

    function remember() {
      try {
        localStorage.setItem(storageKey, JSON.stringify({
          url: up.url, pageUrl: up.pageUrl, name: up.file.name, size: up.file.size,
          lastModified: up.file.lastModified
        }));
      } catch (e) { /* private browsing: no resume after a reload, the rest still works */ }
    }

    function forget() {
      try { localStorage.removeItem(storageKey); } catch (e) { /* nothing remembered */ }
    }

    function remembered(file) {
      try {
        var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
        if (saved && saved.name === file.name && saved.size === file.size &&
            saved.lastModified === file.lastModified) { return saved; }
      } catch (e) { /* unreadable: start afresh */ }
      return null;
    }

    function stop(message) {
      waiting = false;
      clearTimeout(timer);
      showError(message);
      box.hidden = true;
      note.hidden = true;
      pauseButton.hidden = true;
      retryButton.hidden = true;
      submit.disabled = false;
      up = null;
    }

    function finish(pageUrl) {
      forget();
      showProgress(true);
      status.textContent = text.done;
      pauseButton.hidden = true;
      // A moment to see it complete, then the page that follows processing.
      setTimeout(function () { window.location.assign(pageUrl || data.pageUrl); }, 800);
    }

    // After a failure: wait, then ask where things stand. `wait` is the server's Retry-After
    // (a short pause that doesn't grow), `message` what to show meanwhile.
    function retryLater(wait, message) {
      var seconds = wait ? Math.min(wait, MAX_DELAY) : delay;
      if (!wait) { delay = Math.min(delay * 2, MAX_DELAY); }
      waiting = true;
      (function tick() {
        if (paused || !waiting) { return; }
        if (seconds <= 0) { waiting = false; resume(false); return; }
        status.textContent = message || fill(text.retrying, { seconds: seconds });
        seconds -= 1;
        timer = setTimeout(tick, 1000);
      })();
    }

    function handleFailure(result) {
      if (paused) { return; }
      if (!result || result.status >= 500 && result.status !== 507) {
        retryLater(result && result.retryAfter, result && result.retryAfter && result.data.error);
        return;
      }
      if (result.status === 507) {
        status.textContent = result.data.error;
        pauseButton.hidden = true;
        retryButton.hidden = false;
        retryButton.focus();
        return;
      }
      if (result.status === 400 || result.status === 404 || result.status === 409) { forget(); }
      stop(result.data.error || text.failed);
    }

    function sendNext() {
      if (paused) { return; }
      var start = up.offset;
      var end = Math.min(start + up.chunk, up.file.size);
      request(up.url, {
        method: "PUT",
        headers: {
          "Content-Type": "application/octet-stream",
          "Content-Range": "bytes " + start + "-" + (end - 1) + "/" + up.file.size
        },
        body: up.file.slice(start, end)
      }).then(function (result) {
        if (result.status === 200 || result.status === 409 && result.data.code !== "post_live") {
          delay = 2;
          up.offset = result.data.offset;
          if (result.status === 200 && result.data.complete) { finish(result.data.page_url); return; }
          showProgress(false);
          sendNext();
        } else {
          handleFailure(result);
        }
      }, function () { handleFailure(null); });
    }

    // Ask where the upload stands (after a failure, a pause or a reload), then carry on.
    function resume(resuming) {
      if (!up.url) { begin(); return; }
      request(up.url, { method: "GET" }).then(function (result) {
        if (result.status === 404 && resuming) { forget(); up.url = null; begin(); return; }
        if (result.status !== 200) { handleFailure(result); return; }
        up.offset = result.data.offset;
        if (result.data.complete) { finish(result.data.page_url); return; }
        if (resuming) {
          note.textContent = fill(text.resuming, { done: bytes(up.offset) });
          note.hidden = false;
        }
        showProgress(true);
        sendNext();
      }, function () { handleFailure(null); });
    }

    function begin() {
      var body = new FormData();
      body.append("filename", up.file.name);
      body.append("size", String(up.file.size));
      request(form.action, { method: "POST", body: body }).then(function (result) {
        if (result.status !== 201) { handleFailure(result); return; }
        up.url = result.data.upload_url;
        up.pageUrl = result.data.page_url;
        up.chunk = result.data.chunk_bytes;
        up.offset = 0;
        remember();
        sendNext();
      }, function () { handleFailure(null); });
    }

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.AbortController || !window.Blob) { return; }
      event.preventDefault();
      var file = input.files[0];
      if (!file) { showError(text.choose); input.focus(); return; }
      showError("");
      var saved = remembered(file);
      up = { file: file, url: saved && saved.url, pageUrl: saved && saved.pageUrl, offset: 0,
             chunk: Number(data.chunkBytes) };
      paused = false;
      delay = 2;
      box.hidden = false;
      submit.disabled = true;
      pauseButton.hidden = false;
      pauseButton.textContent = text.pause;
      status.textContent = text.starting;
      bar.max = file.size;
      bar.value = 0;
      if (saved) { resume(true); } else { begin(); }
    });

    pauseButton.addEventListener("click", function () {
      paused = !paused;
      pauseButton.textContent = paused ? text.continue : text.pause;
      if (paused) {
        waiting = false;
        clearTimeout(timer);
        if (controller) { controller.abort(); }
        status.textContent = fill(text.paused, { done: bytes(up.offset), total: bytes(up.file.size) });
      } else {
        resume(false);
      }
    });

    retryButton.addEventListener("click", function () {
      retryButton.hidden = true;
      pauseButton.hidden = false;
      delay = 2;
      resume(false);
    });

    // Back online: don't wait out the pause.
    window.addEventListener("online", function () {
      if (up && !paused && waiting) { waiting = false; clearTimeout(timer); resume(false); }
    });
  }

  function init() {
    document.querySelectorAll("form[data-video-upload]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
