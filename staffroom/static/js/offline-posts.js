/* The offline page (staffroom/webapp/templates/webapp/offline.html): list the posts the
   service worker kept for the person signed in on this device, newest first.

   The worker decides first: kept posts are shown only until the idle limit after the last
   signed-in page from the server, and it deletes them past that. With no worker to ask (or no
   answer), the list stays empty: nothing could open those posts anyway. */
(function () {
  "use strict";

  var box = document.getElementById("offline-posts");
  if (!box || !("caches" in window) || !("DOMParser" in window)) return;
  var prefix = box.getAttribute("data-cache-prefix");
  var list = box.querySelector("[data-offline-list]");
  var empty = box.querySelector("[data-offline-empty]");
  var lang = document.documentElement.lang || undefined;
  var when = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

  function titleOf(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var heading = page.querySelector("main h1") || page.querySelector("h1");
    return (heading ? heading.textContent : page.title).trim();
  }

  function readCache(name) {
    return caches.open(name).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(
          requests.map(function (request) {
            return cache.match(request).then(function (response) {
              var type = (response && response.headers.get("Content-Type")) || "";
              if (type.indexOf("text/html") !== 0) return null; // a post's picture
              var savedAt = Number(response.headers.get("X-Staffroom-Saved-At")) || 0;
              return response.text().then(function (html) {
                return { url: new URL(request.url).pathname, title: titleOf(html), savedAt: savedAt };
              });
            });
          })
        );
      });
    });
  }

  function show(posts) {
    posts.sort(function (a, b) { return b.savedAt - a.savedAt; });
    posts.forEach(function (post) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = post.url;
      link.textContent = post.title;
      item.appendChild(link);
      if (post.savedAt) {
        var time = document.createElement("time");
        var date = new Date(post.savedAt);
        time.dateTime = date.toISOString();
        time.textContent = when.format(date);
        time.className = "muted";
        item.appendChild(document.createTextNode(" · "));
        item.appendChild(time);
      }
      list.appendChild(item);
    });
    list.hidden = posts.length === 0;
    empty.hidden = posts.length > 0;
  }

  // Resolves true when the worker says the kept posts may still be shown.
  function askWorker() {
    if (!("serviceWorker" in navigator) || !("MessageChannel" in window)) {
      return Promise.resolve(false);
    }
    return new Promise(function (resolve) {
      var timer = setTimeout(function () { resolve(false); }, 3000);
      navigator.serviceWorker.ready.then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          clearTimeout(timer);
          resolve(Boolean(event.data && event.data.fresh));
        };
        registration.active.postMessage({ type: "kept-posts" }, [channel.port2]);
      });
    });
  }

  askWorker()
    .then(function (fresh) { return fresh ? caches.keys() : []; })
    .then(function (names) {
      var mine = names.filter(function (name) { return name.indexOf(prefix) === 0; });
      return Promise.all(mine.map(readCache));
    })
    .then(function (perCache) {
      var posts = [];
      perCache.forEach(function (entries) {
        entries.forEach(function (entry) { if (entry && entry.title) posts.push(entry); });
      });
      show(posts);
    })
    .catch(function () {
      // Storage unavailable (private window, quota): the page's own explanation stands.
    });
})();
