/* Install Staffroom's service worker (staffroom/webapp) and tell it who is signed in.

   The <meta name="staffroom-viewer"> in the page head carries an opaque key for the signed-in
   person, or nothing when nobody is signed in. The worker deletes posts kept for anyone else:
   on a shared ward computer, the next person never finds the last one's reading. */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator)) return;
  var worker = document.querySelector('meta[name="staffroom-service-worker"]');
  var viewer = document.querySelector('meta[name="staffroom-viewer"]');
  if (!worker) return;

  function tell(registration) {
    var active = registration.active;
    if (active && viewer) {
      active.postMessage({ type: "viewer", viewer: viewer.getAttribute("content") || "" });
    }
  }

  navigator.serviceWorker
    .register(worker.getAttribute("content"), { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; })
    .then(tell)
    .catch(function () {
      // No worker (blocked, or an insecure address): the site works as before, online only.
    });
})();
