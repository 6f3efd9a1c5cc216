/* Staffroom's service worker: served at /sw.js by staffroom.webapp.views.service_worker.
   What it keeps and when it forgets: docs/decisions/0025-installable-app.md. */
"use strict";

const CONFIG = {{ config|safe }};
const VERSION = "{{ version }}";
{% verbatim %}
const SHELL_CACHE = `${CONFIG.cachePrefix}shell-${VERSION}`;
const STATIC_CACHE = `${CONFIG.cachePrefix}static-${VERSION}`;
// When the worker last saw a page from the server for a signed-in person. Kept in Cache Storage
// because the browser stops and restarts workers at will; no entry means "too long ago".
const META_CACHE = `${CONFIG.cachePrefix}meta-${VERSION}`;
const SIGNED_IN_AT = new URL("/offline/signed-in-at", self.location.origin).href;
// One cache of recent posts per person: "staffroom-posts-<version>-<viewer key>".
const POSTS_PREFIX = `${CONFIG.cachePrefix}posts-`;
const CURRENT_POSTS_PREFIX = `${POSTS_PREFIX}${VERSION}-`;
const POST_PATH = new RegExp(CONFIG.postPath);
const POST_IMAGE_PATH = new RegExp(CONFIG.postImagePath);
const SAVED_AT = "X-Staffroom-Saved-At";
// Put in the <head> of every signed-in page (webapp_head): who is signed in, and whether this
// page may be kept offline. Our own templates write them exactly like this.
const VIEWER_META = /<meta name="staffroom-viewer" content="([0-9a-f]*)">/;
const KEEP_META = /<meta name="staffroom-keep-offline" content="post">/;
const ASSET_ATTRIBUTE = /\s(?:href|src)="([^"]+)"/g;
const MATCH_OPTIONS = { ignoreSearch: true, ignoreVary: true };

self.addEventListener("install", (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(deleteOldCaches().then(() => self.clients.claim()));
});

// Pages tell the worker who is signed in (an empty key when nobody is): copies kept for anyone
// else are deleted, so the next person on a shared ward computer never sees them.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "viewer" && typeof data.viewer === "string") {
    event.waitUntil(forgetAllBut(data.viewer));
  } else if (data.type === "kept-posts" && event.ports[0]) {
    // The offline page asks before listing the kept posts: the same rule as serving them.
    const port = event.ports[0];
    event.waitUntil(forgetIfStale().then((stale) => port.postMessage({ fresh: !stale })));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POSTs go to the network untouched, never kept
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (url.pathname.startsWith(CONFIG.staticUrl)) {
    event.respondWith(networkFirst(request));
  } else if (POST_IMAGE_PATH.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  const response = await fetch(CONFIG.offlineUrl, { cache: "no-cache" });
  if (!response.ok) throw new Error(`The offline page answered ${response.status}`);
  const html = await response.clone().text();
  await cache.put(CONFIG.offlineUrl, response);
  const assets = new Set([...CONFIG.shell, ...assetsIn(html, CONFIG.staticUrl)]);
  await cache.addAll([...assets]);
}

async function deleteOldCaches() {
  const names = await caches.keys();
  const stale = names.filter(
    (name) =>
      name.startsWith(CONFIG.cachePrefix) &&
      name !== SHELL_CACHE &&
      name !== STATIC_CACHE &&
      name !== META_CACHE &&
      !name.startsWith(CURRENT_POSTS_PREFIX),
  );
  await Promise.all(stale.map((name) => caches.delete(name)));
}

// Network first: people see today's page whenever they can reach the server.
async function navigate(event, url) {
  const isPost = POST_PATH.test(url.pathname);
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    const copy = isPost && !(await forgetIfStale()) ? await findPost(url.pathname) : undefined;
    return copy || (await caches.match(CONFIG.offlineUrl, { cacheName: SHELL_CACHE })) || Response.error();
  }
  if (isPost) event.waitUntil(rememberPost(url.pathname, response.clone()));
  else event.waitUntil(noteViewer(response.clone()));
  return response;
}

// Any page from the server: a signed-in person renews the kept posts' time; nobody forgets them.
async function noteViewer(response) {
  const type = response.headers.get("Content-Type") || "";
  if (response.type !== "basic" || !response.ok || !type.startsWith("text/html")) return;
  const found = (await response.text()).match(VIEWER_META);
  if (!found) return; // not one of our pages (the offline page, a file)
  await forgetAllBut(found[1]);
  if (found[1]) await markSignedIn();
}

async function markSignedIn() {
  const cache = await caches.open(META_CACHE);
  await cache.put(SIGNED_IN_AT, new Response(String(Date.now())));
}

// Kept posts may be read offline only until the idle limit after the last signed-in page from
// the server (an idle session on a shared computer ends then). Past it, or if the time is
// unknown or in the future (the clock moved back), every kept post is deleted.
async function forgetIfStale() {
  const cache = await caches.open(META_CACHE);
  const entry = await cache.match(SIGNED_IN_AT);
  const at = entry ? Number(await entry.text()) : NaN;
  const age = Date.now() - at;
  if (age >= 0 && age <= CONFIG.idleSeconds * 1000) return false;
  await forgetAllBut("");
  await cache.delete(SIGNED_IN_AT);
  return true;
}

// Static files and post pictures: from the network when it answers, else the kept copy.
async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    if (POST_IMAGE_PATH.test(new URL(request.url).pathname)) await forgetIfStale();
    const copy = await caches.match(request, MATCH_OPTIONS);
    if (copy) return copy;
    throw error;
  }
}

async function postsCaches() {
  const names = await caches.keys();
  return names.filter((name) => name.startsWith(POSTS_PREFIX));
}

async function findInPosts(url) {
  for (const name of await postsCaches()) {
    const copy = await (await caches.open(name)).match(url, MATCH_OPTIONS);
    if (copy) return copy;
  }
  return undefined;
}

async function findPost(path) {
  return findInPosts(new URL(path, self.location.origin).href);
}

async function forgetAllBut(viewer) {
  const keep = viewer ? `${CURRENT_POSTS_PREFIX}${viewer}` : null;
  const names = await postsCaches();
  await Promise.all(names.filter((name) => name !== keep).map((name) => caches.delete(name)));
}

async function forgetPost(path) {
  for (const name of await postsCaches()) {
    await forgetPostIn(await caches.open(name), path);
  }
}

// A post's page and its pictures (/posts/<id>/images/<n>/) share the page's path as a prefix.
async function forgetPostIn(cache, path) {
  const requests = await cache.keys();
  const gone = requests.filter((request) => new URL(request.url).pathname.startsWith(path));
  await Promise.all(gone.map((request) => cache.delete(request, MATCH_OPTIONS)));
}

function unstorable(response) {
  const cacheControl = (response.headers.get("Cache-Control") || "").toLowerCase();
  return cacheControl.includes("no-store");
}

async function rememberPost(path, response) {
  // Only a page the server sent as it is (not a redirect to sign in, not an error page).
  if (response.type !== "basic" || response.redirected || new URL(response.url).pathname !== path) {
    return;
  }
  if (!response.ok) {
    // Gone, hidden or no longer for this person: don't keep showing the old copy offline.
    if ([403, 404, 410].includes(response.status)) await forgetPost(path);
    return;
  }
  if (unstorable(response)) return forgetPost(path);
  const html = await response.text();
  const viewer = (html.match(VIEWER_META) || [])[1];
  if (!viewer) return forgetAllBut(""); // nobody is signed in: keep nothing
  await forgetAllBut(viewer);
  await markSignedIn();
  if (!KEEP_META.test(html)) return forgetPost(path);
  const cache = await caches.open(`${CURRENT_POSTS_PREFIX}${viewer}`);
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, String(Date.now()));
  // The body is stored decoded and matched by path alone.
  for (const name of ["Vary", "Content-Encoding", "Content-Length"]) headers.delete(name);
  await forgetPostIn(cache, path);
  await cache.put(
    new URL(path, self.location.origin).href,
    new Response(html, { status: response.status, statusText: response.statusText, headers }),
  );
  await keepPictures(cache, path, html);
  await trimPosts(cache);
  await keepStaticFiles(html);
}

// Pictures of this post only (their own URLs need the person's session, like the page).
async function keepPictures(cache, path, html) {
  const pictures = assetsIn(html, path).filter((src) => POST_IMAGE_PATH.test(src));
  for (const src of pictures) {
    try {
      const response = await fetch(src);
      if (response.ok && response.type === "basic" && !unstorable(response)) {
        await cache.put(new URL(src, self.location.origin).href, response);
      }
    } catch (error) {
      // Offline again already: the page is kept without this picture.
    }
  }
}

async function trimPosts(cache) {
  const pages = [];
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (!POST_PATH.test(path)) continue;
    const response = await cache.match(request, MATCH_OPTIONS);
    pages.push({ path, savedAt: Number(response && response.headers.get(SAVED_AT)) || 0 });
  }
  pages.sort((a, b) => b.savedAt - a.savedAt);
  for (const old of pages.slice(CONFIG.maxPosts)) await forgetPostIn(cache, old.path);
}

// The CSS, scripts and fonts the page links to, so a kept post looks right offline.
async function keepStaticFiles(html) {
  const cache = await caches.open(STATIC_CACHE);
  const missing = [];
  for (const src of assetsIn(html, CONFIG.staticUrl)) {
    if (!(await cache.match(src, MATCH_OPTIONS))) missing.push(src);
  }
  await Promise.all(
    missing.map(async (src) => {
      try {
        const response = await fetch(src);
        if (response.ok && !unstorable(response)) await cache.put(src, response);
      } catch (error) {
        // Offline again already: the next post read will fetch it.
      }
    }),
  );
  const requests = await cache.keys();
  const extra = requests.length - CONFIG.maxStaticFiles;
  if (extra > 0) await Promise.all(requests.slice(0, extra).map((request) => cache.delete(request)));
}

function assetsIn(html, prefix) {
  const found = new Set();
  for (const match of html.matchAll(ASSET_ATTRIBUTE)) {
    const value = match[1].replace(/&amp;/g, "&");
    if (value.startsWith(prefix)) found.add(value);
  }
  return [...found];
}
{% endverbatim %}
