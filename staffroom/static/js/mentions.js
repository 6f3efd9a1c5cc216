/* @mention suggestions for any textarea[data-mentions data-mentions-url]: an ARIA 1.2
   combobox with a listbox popup. Typing "@gra" asks the server for up to eight people; arrow
   keys move through them, Enter or Tab inserts "@username ", Escape closes the list, and a
   polite live region says how many people were found. Without JavaScript people simply type
   @username. */
(function () {
  "use strict";

  var TOKEN = /(^|[\s(])@([A-Za-z0-9._-]{1,60})$/;
  var DELAY_MS = 150;
  var counter = 0;

  function enhance(textarea) {
    if (textarea.dataset.mentionsReady === "true" || !textarea.dataset.mentionsUrl) { return; }
    textarea.dataset.mentionsReady = "true";
    counter += 1;
    var base = (textarea.id || "mentions-" + counter) + "-mentions";
    var listbox = document.createElement("ul");
    listbox.id = base;
    listbox.className = "mention-list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", textarea.dataset.mentionsLabel || "People to mention");
    listbox.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);

    textarea.setAttribute("role", "combobox");
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-expanded", "false");
    textarea.setAttribute("aria-controls", listbox.id);

    var timer = null;
    var request = 0;
    var active = -1;

    function options() { return listbox.querySelectorAll("[role=option]"); }

    function close() {
      listbox.hidden = true;
      listbox.textContent = "";
      active = -1;
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
    }

    function setActive(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      textarea.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function currentToken() {
      if (textarea.selectionStart !== textarea.selectionEnd) { return null; }
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = TOKEN.exec(before);
      return match ? match[2] : null;
    }

    function insert(option) {
      var username = option.dataset.username;
      var caret = textarea.selectionStart;
      var before = textarea.value.slice(0, caret);
      var match = TOKEN.exec(before);
      if (!match || !username) { close(); return; }
      var start = caret - match[2].length - 1;
      var after = textarea.value.slice(caret);
      var text = "@" + username + " ";
      textarea.value = textarea.value.slice(0, start) + text + after;
      var position = start + text.length;
      textarea.setSelectionRange(position, position);
      close();
      status.textContent = option.dataset.insertedText || ("@" + username);
      textarea.focus();
    }

    function show(html, sent) {
      if (sent !== request) { return; }  // an older answer arriving late
      var parsed = new DOMParser().parseFromString(html, "text/html");
      var source = parsed.querySelector("[role=listbox]");
      // A person already chosen with the arrow keys stays chosen when a later answer (for
      // the letters typed since) still lists them.
      var chosen = active >= 0 && options()[active] ? options()[active].dataset.username : null;
      listbox.textContent = "";
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
      if (!source) { close(); return; }
      if (source.getAttribute("aria-label")) {
        listbox.setAttribute("aria-label", source.getAttribute("aria-label"));
      }
      source.querySelectorAll("[role=option]").forEach(function (option) {
        var copy = document.importNode(option, true);
        copy.id = base + "-" + option.id;
        copy.setAttribute("aria-selected", "false");
        copy.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus (and the caret) in the textarea
          insert(copy);
        });
        listbox.appendChild(copy);
      });
      status.textContent = source.dataset.countText || "";
      var found = options().length > 0;
      listbox.hidden = !found;
      textarea.setAttribute("aria-expanded", found ? "true" : "false");
      if (chosen) {
        var again = Array.prototype.findIndex.call(options(), function (option) {
          return option.dataset.username === chosen;
        });
        if (again >= 0) { setActive(again); }
      }
    }

    function lookUp() {
      var token = currentToken();
      if (!token) { close(); return; }
      request += 1;
      var sent = request;
      var url = textarea.dataset.mentionsUrl + "?q=" + encodeURIComponent(token);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { show(html, sent); })
        .catch(close);
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, DELAY_MS);
    });

    textarea.addEventListener("keydown", function (event) {
      var open = !listbox.hidden && options().length > 0;
      if (!open) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active < 0 ? -1 : active - 1);
      } else if (event.key === "Enter" || event.key === "Tab") {
        var all = options();
        var chosen = active >= 0 ? all[active] : (event.key === "Tab" ? all[0] : null);
        if (chosen) {
          event.preventDefault();
          insert(chosen);
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });

    textarea.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  function init(root) {
    (root || document).querySelectorAll("textarea[data-mentions]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // Forms that htmx swaps in (a fresh comment form after posting, a reply box) are enhanced too.
  document.addEventListener("htmx:load", function (event) {
    var element = event.target;
    if (element && element.querySelectorAll) {
      if (element.matches && element.matches("textarea[data-mentions]")) { enhance(element); }
      init(element);
    }
  });
})();
