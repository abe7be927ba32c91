// The offline worker (docs/offline.md). The server puts `const version = "…"` before this file,
// a hash of every static file: a binary with changed assets brings a new worker and a new shell.
const shell = "shell-" + version, pages = "pages";
const shellFiles = ["/static/app.css", "/static/htmx.min.js", "/static/print.js", "/static/nav.js", "/static/file.js",
  "/static/offline.js", "/static/offline.html", "/static/favicon.svg", "/static/icon-192.png", "/static/manifest.webmanifest"];
// A cell's report form: the only pages kept for use offline (never dashboards, /api or exports).
const reportForm = /^\/reports\/\d+\/\d+\/\d+$/;

// The shell is fetched past the browser's HTTP cache, which may hold the last version's files.
self.addEventListener("install", e => e.waitUntil(caches.open(shell)
  .then(c => c.addAll(shellFiles.map(f => new Request(f, { cache: "reload" }))))
  .then(() => self.skipWaiting())));

self.addEventListener("activate", e => e.waitUntil(
  caches.keys()
    .then(keys => Promise.all(keys.filter(k => k.startsWith("shell-") && k !== shell).map(k => caches.delete(k))))
    .then(() => self.clients.claim())));

self.addEventListener("fetch", e => {
  const req = e.request, url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (req.method !== "GET") { // posts go to the network, never into a cache
    // Someone signs in or out: the pages kept were the last user's, not the next one's.
    if (url.pathname === "/login" || url.pathname === "/logout") e.waitUntil(caches.delete(pages));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    e.respondWith(caches.match(url.pathname, { cacheName: shell }).then(hit => hit || fetch(req)));
  } else if (req.mode === "navigate") {
    e.respondWith(page(req, url));
  }
});

// page asks the network first; it keeps a report form it gets (under its path: "?done=" pages
// would show a stale message) and, offline, answers with the form kept or the offline page.
async function page(req, url) {
  try {
    const res = await fetch(req);
    if (reportForm.test(url.pathname) && !url.search && res.ok && !res.redirected) {
      await (await caches.open(pages)).put(url.pathname, res.clone());
    }
    return res;
  } catch (err) {
    return (await caches.match(url.pathname, { cacheName: pages })) ||
      (await caches.match("/static/offline.html", { cacheName: shell })) || Promise.reject(err);
  }
}

// Web Push (docs/notifications.md): the server sends {"title", "body", "url"}, which name a unit,
// a task and a deadline, never a person.
self.addEventListener("push", e => {
  let m = {};
  try { m = e.data ? e.data.json() : {}; } catch { /* not ours: show the app's name */ }
  e.waitUntil(self.registration.showNotification(m.title || "Phát triển Đảng", {
    body: m.body || "", lang: "vi", icon: "/static/icon-192.png",
    data: { url: m.url || "/notifications" },
  }));
});

// A tap brings up the window already showing the page, or opens it; a link to another site
// opens the notification list instead.
self.addEventListener("notificationclick", e => {
  e.notification.close();
  let url = new URL(e.notification.data?.url || "/notifications", location.origin);
  if (url.origin !== location.origin) url = new URL("/notifications", location.origin);
  e.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(wins => {
    const open = wins.find(w => w.url === url.href);
    return open ? open.focus() : self.clients.openWindow(url.href);
  }));
});
