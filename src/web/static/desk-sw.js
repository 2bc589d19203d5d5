// Service worker of the check-in desk, served as /desk/sw.js (scope /desk/) by desk-pages.controller.ts,
// which fills in VERSION: a hash of this file, the assets below, the desk's templates and the catalogs, so
// that a deployment changing any of them installs a new worker and a new cache.
//
// What it keeps, and nothing else: the desk pages (/desk/<event id>) the signed-in user opened, and the
// files those pages load. The API (scans, figures, name search) always goes to the network and is never
// stored: queued scans live in IndexedDB (desk.js), not here. The login page deletes these caches
// (app.js), so the next person on a shared desk PC cannot open the previous one's desk offline.
'use strict';

var VERSION = '__DESK_SW_VERSION__';
var PREFIX = 'td-desk-';
var CACHE = PREFIX + VERSION;
// Every file the desk page loads (test/e2e/desk-pages.test.ts checks it); desk-pages.controller.ts hashes the same files.
var ASSETS = ['/static/app.css', '/static/app.js', '/static/desk.css', '/static/desk.js', '/desk/assets/jsqr.js'];
var DESK_PAGE = /^\/desk\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A network that neither answers nor fails (a weak hall Wi-Fi): the saved copy after this long.
var NETWORK_TIMEOUT_MS = 4000;

function isDeskPage(url) {
  return url.origin === self.location.origin && DESK_PAGE.test(url.pathname);
}

/** Only a real 200 page of the desk is kept (not a redirect to the login page, not a refusal). */
function keepable(res) {
  return res && res.status === 200 && res.type === 'basic' && !res.redirected && (res.headers.get('content-type') || '').indexOf('text/html') === 0;
}

/** Keeps `res` as the copy of `path`; a failure to keep it (storage full) never fails the page itself. */
function storePage(cache, path, res) {
  return keepable(res) ? cache.put(path, res.clone()).catch(function () {}) : Promise.resolve();
}

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // `reload`: past the browser's HTTP cache, so the new version's files are the ones stored.
    return cache.addAll(ASSETS.map(function (u) { return new Request(u, { cache: 'reload', credentials: 'same-origin' }); }))
      .then(function () { return carryPagesOver(cache); });
  }).then(function () { return self.skipWaiting(); }));
});

/** The desk pages an older version kept are fetched again for this one (best effort: we are online now). */
function carryPagesOver(cache) {
  return caches.keys().then(function (names) {
    var old = names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; });
    return Promise.all(old.map(function (name) {
      return caches.open(name).then(function (c) { return c.keys(); }).then(function (requests) {
        return Promise.all(requests.filter(function (r) { return isDeskPage(new URL(r.url)); }).map(function (r) {
          var path = new URL(r.url).pathname;
          return fetch(path, { credentials: 'same-origin' }).then(function (res) { return storePage(cache, path, res); }, function () {});
        }));
      });
    }));
  });
}

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

/** Network first (staff see fresh figures), the saved copy when the network fails or hangs. */
function deskPage(request) {
  var path = new URL(request.url).pathname;
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (res) {
      return storePage(cache, path, res).then(function () { return res; });
    });
    var saved = function () {
      return cache.match(path).then(function (copy) { return copy || network; });
    };
    var timer;
    var timeout = new Promise(function (resolve) { timer = setTimeout(resolve, NETWORK_TIMEOUT_MS); }).then(saved);
    return Promise.race([network.then(function (res) { clearTimeout(timer); return res; }, saved), timeout]);
  });
}

/** The assets: from this version's cache (filled at install), else the network (and kept). */
function asset(request) {
  var path = new URL(request.url).pathname;
  return caches.open(CACHE).then(function (cache) {
    return cache.match(path).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (res) {
        if (res.status === 200 && res.type === 'basic') cache.put(path, res.clone()).catch(function () {});
        return res;
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    if (DESK_PAGE.test(url.pathname)) event.respondWith(deskPage(request));
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) event.respondWith(asset(request));
});

// desk.js asks for the page it was opened on (the first visit is not yet under this worker) and learns
// when it is kept, to say "ready for offline use".
self.addEventListener('message', function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type !== 'keep-page' || !port) return;
  var path = String(data.path || '');
  if (!isDeskPage(new URL(path, self.location.origin))) return port.postMessage({ kept: false });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.match(path).then(function (hit) {
      if (hit) return true;
      return fetch(path, { credentials: 'same-origin' }).then(function (res) {
        return storePage(cache, path, res).then(function () { return keepable(res); });
      });
    });
  }).then(function (kept) { port.postMessage({ kept: kept, version: VERSION }); }, function () { port.postMessage({ kept: false }); }));
});
