// The service worker: keeps the app shell (index.html, the built script and stylesheet, the
// icon and manifest) so the pages load without network. The API is never touched here:
// /api requests go to the network as usual, and the strike list keeps its own data in
// IndexedDB. Pages are network-first (a new deployment shows up at once when online), with
// the cached copy as the fallback offline.
const kCache = "narwhal-shell-v1";
const kShell = ["/", "/index.html", "/favicon.svg", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(kCache);
      await cache.addAll(kShell);
      // The built assets have hashed names: take them from index.html.
      const html = await (await cache.match("/index.html", { ignoreVary: true })).text();
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      await cache.addAll(assets);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== kCache) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(kCache);
      // Keyed by path: a module script's CORS request and the install's plain one differ in
      // headers (Vary: Origin) but are the same file.
      const key = request.mode === "navigate" ? "/index.html" : url.pathname;
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(key, response.clone());
        return response;
      } catch (error) {
        const cached = await cache.match(key, { ignoreVary: true, ignoreSearch: true });
        if (cached) return cached;
        throw error;
      }
    })(),
  );
});
