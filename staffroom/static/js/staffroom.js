/* Staffroom's own script: small progressive enhancements. Every page works without it. */
(function () {
  "use strict";

  // Forms marked data-upload-progress (large file uploads, e.g. the staff directory) show
  // how much has been sent, then that the server is checking the file. Without JavaScript
  // the form simply submits.
  function enhanceUploadForm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var box = form.querySelector(".upload-progress");
      var bar = box && box.querySelector("progress");
      var status = box && box.querySelector(".upload-progress__status");
      var submit = form.querySelector("[type=submit]");
      if (box) { box.hidden = false; }
      if (submit) { submit.disabled = true; }
      var xhr = new XMLHttpRequest();
      xhr.open(form.method || "POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable || !bar) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        if (status) { status.textContent = form.dataset.uploadingText.replace("%s", percent); }
      });
      xhr.upload.addEventListener("load", function () {
        if (bar) { bar.removeAttribute("value"); }
        if (status) { status.textContent = form.dataset.checkingText; }
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== window.location.href && xhr.status < 400) {
          window.location.assign(xhr.responseURL);
          return;
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        if (submit) { submit.disabled = false; }
        if (status) { status.textContent = form.dataset.failedText; }
      });
      xhr.send(new FormData(form));
    });
  }

  function init() {
    document.querySelectorAll("form[data-upload-progress]").forEach(enhanceUploadForm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Forms marked data-submit-once (e.g. "Apply these changes") disable their button once
   sent, so a double click sends one request. The server is idempotent regardless. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) { return; }
    if (form.dataset.submitted === "true") { event.preventDefault(); return; }
    form.dataset.submitted = "true";
    form.querySelectorAll("[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  });
})();

/* A rate-limited htmx request (HTTP 429) carries a short notice for the top of the page
   (HX-Retarget/HX-Reswap from staffroom/core/ratelimit.py). htmx doesn't swap error
   responses by default: let this one through, replacing an earlier notice. The form that
   was sent isn't replaced, so what the person typed stays, and it can be sent again. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 429 || !xhr.getResponseHeader("HX-Retarget")) { return; }
    var earlier = document.getElementById("rate-limit-notice");
    if (earlier) { earlier.remove(); }
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    // Nothing was sent: a data-submit-once form may be sent again once the wait is over.
    var source = event.detail.elt;
    var form = source && source.closest ? source.closest("form") : null;
    if (form && form.hasAttribute("data-submit-once")) {
      delete form.dataset.submitted;
      form.querySelectorAll("[type=submit]").forEach(function (button) {
        button.removeAttribute("aria-disabled");
      });
    }
  });

  // "Show more" and "Load more" answers mark the first new item data-focus-first: focus
  // moves there so a keyboard user carries on where the new items begin (the link they
  // pressed is gone). Done here, once, rather than with the autofocus attribute, which both
  // htmx and the browser act on at different moments, so a quick Tab could be undone.
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    if (!root || !root.querySelector) { return; }
    var target = root.matches && root.matches("[data-focus-first]")
      ? root : root.querySelector("[data-focus-first]");
    if (!target) { return; }
    target.removeAttribute("data-focus-first");
    target.focus();
  });
})();
