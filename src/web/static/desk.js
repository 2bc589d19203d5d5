// Check-in desk (desk/desk.eta). Vanilla JS, no build step, no inline code (CSP).
// Scans go to the JSON API with the session cookie and the CSRF header. A scan
// whose request cannot reach the server is written to IndexedDB (with its own
// nonce and the time it was made) before the desk says "saved", and sent when
// the browser is online again, from this page or from the next one opened: the
// service worker (/desk/sw.js, desk-sw.js) keeps the page so that it opens
// without network too.
(function () {
  'use strict';
  var root = document.getElementById('desk');
  if (!root) return;

  var eventId = root.dataset.eventId;
  var zone = root.dataset.timezone || 'Asia/Ho_Chi_Minh';
  var locale = root.dataset.locale === 'en' ? 'en-GB' : 'vi-VN';
  var csrf = root.dataset.csrf;
  var userId = root.dataset.userId || '';
  var renderedAt = root.dataset.renderedAt;
  var units = parse(root.dataset.units, {});
  var texts = parse(root.dataset.texts, {});
  var api = '/api/v1/events/' + encodeURIComponent(eventId);
  // Where the previous desk.js kept its queue (moved into IndexedDB once, and the fallback if IndexedDB fails).
  var LEGACY_PREFIX = 'td-desk-pending:';
  var pendingKey = LEGACY_PREFIX + eventId;
  var sessionKey = 'td-desk-session:' + eventId;
  var STATS_EVERY_MS = 5000;
  var RETRY_EVERY_MS = 10000;

  var el = function (id) { return document.getElementById(id); };
  var codeInput = el('desk-code');
  var sessionSelect = el('desk-session');
  var resultBox = el('desk-result');
  var syncing = false;
  var pendingCount = 0;
  var syncedCount = 0;

  function parse(json, fallback) {
    try { return JSON.parse(json || ''); } catch (e) { return fallback; }
  }

  /** `desk.js.<key>` with {placeholders}. */
  function t(key, params) {
    var text = texts[key] || key;
    return text.replace(/\{(\w+)\}/g, function (m, name) { return params && name in params ? String(params[name]) : m; });
  }

  /** `errors.<code>` of an API error body with its parameters (statuses worded), or '' when the code is unknown. */
  function errorText(body) {
    var key = 'errors.' + (body && body.code);
    if (!body || !body.code || !texts[key]) return '';
    var params = {};
    Object.keys(body.params || {}).forEach(function (name) {
      var v = body.params[name];
      if (name === 'status') v = t('statuses.' + v);
      else if (name === 'eventStatus') v = t('eventStatuses.' + v);
      params[name] = v;
    });
    return t(key, params);
  }

  function newNonce() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  function timeInZone(iso) {
    return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(new Date(iso));
  }

  function who(reg) {
    var unit = reg.organizationId && units[reg.organizationId];
    return unit ? reg.fullName + ' (' + unit + ')' : reg.fullName;
  }

  // ---- The big result panel ----

  function show(kind, title, detail) {
    resultBox.hidden = false;
    resultBox.className = 'desk-result desk-result-' + kind;
    resultBox.dataset.kind = kind;
    el('desk-result-title').textContent = title;
    el('desk-result-detail').textContent = detail || '';
  }

  /** What an API answer means at the desk: {kind: ok|dup|err, title, detail}. */
  function interpret(status, body) {
    body = body || {};
    if (status === 201 || (status === 200 && !body.duplicate)) {
      return { kind: 'ok', title: t('welcome', { name: who(body.registration) }), detail: body.registration.code, counted: true };
    }
    if (status === 200) {
      return { kind: 'dup', title: t('already', { time: timeInZone(body.checkIn.checkedInAt) }), detail: who(body.registration) };
    }
    // The API's English message is for programs; the desk words the refusal from its code, in the page language.
    var message = errorText(body);
    if (status === 404) return { kind: 'err', title: t('notRegistered'), detail: message };
    if (status === 409 && body.status) return { kind: 'err', title: t('notConfirmed', { status: t('statuses.' + body.status) }), detail: message };
    if (status === 409) return { kind: 'err', title: t('eventClosed'), detail: message };
    if (status === 403) return { kind: 'err', title: t('forbidden'), detail: message };
    if (status === 401) return { kind: 'err', title: t('loggedOut'), detail: message };
    if (status === 400) return { kind: 'err', title: t('invalid'), detail: message };
    return { kind: 'err', title: t('failed'), detail: message || String(status) };
  }

  // ---- Sending scans ----

  /** POSTs one scan; resolves {status, body}, rejects on a network failure. */
  function send(scan) {
    var payload = { nonce: scan.nonce, scannedAt: scan.scannedAt };
    if (scan.code) payload.code = scan.code;
    if (scan.registrationId) payload.registrationId = scan.registrationId;
    if (scan.sessionId) payload.sessionId = scan.sessionId;
    return fetch(api + '/check-ins', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(payload),
    }).then(function (res) {
      var retryAfter = Number(res.headers.get('Retry-After')) || 0;
      return res.json().catch(function () { return {}; }).then(function (body) { return { status: res.status, body: body, retryAfter: retryAfter }; });
    });
  }

  function scan(what) {
    var item = {
      code: what.code || null,
      registrationId: what.registrationId || null,
      label: what.label || what.code || '',
      sessionId: sessionSelect && sessionSelect.value ? sessionSelect.value : null,
      nonce: newNonce(),
      scannedAt: new Date().toISOString(),
    };
    if (!navigator.onLine) return keep(item);
    return sendKept(item).then(function (r) {
      // 503: the server is up but its database is not (a restart, a failover); try again soon.
      if (r.status === 503) return keep(item, r.retryAfter);
      if (r.status >= 500) return keep(item);
      var shown = interpret(r.status, r.body);
      show(shown.kind, shown.title, shown.detail);
      if (shown.counted) refreshStats();
    }, function () { keep(item); });
  }

  // ---- Offline queue: IndexedDB, one record per scan (key: its nonce), kept per event and account ----

  var DB_NAME = 'td-desk';
  var STORE = 'scans';
  var dbPromise = null;

  function idb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error('no IndexedDB'));
      var open = window.indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = function () {
        var store = open.result.createObjectStore(STORE, { keyPath: 'nonce' });
        store.createIndex('event', 'eventId');
      };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
      open.onblocked = function () { reject(new Error('IndexedDB blocked')); };
    });
    dbPromise.catch(function () { dbPromise = null; });
    return dbPromise;
  }

  /** Runs `work(store)` in one transaction; resolves once it is committed (durably, where the browser can say so). */
  function inStore(mode, work) {
    return idb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = mode === 'readwrite' ? db.transaction(STORE, mode, { durability: 'strict' }) : db.transaction(STORE, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error || new Error('IndexedDB transaction failed')); };
        var req = work(tx.objectStore(STORE));
        if (req) req.onsuccess = function () { result = req.result; };
      });
    });
  }

  /** This event's kept scans, oldest first (all accounts: the caller splits them). */
  function allKept() {
    return inStore('readonly', function (store) { return store.index('event').getAll(eventId); }).then(function (list) {
      return (list || []).sort(function (a, b) { return a.scannedAt < b.scannedAt ? -1 : a.scannedAt > b.scannedAt ? 1 : 0; });
    });
  }
  function mine(list) { return list.filter(function (s) { return s.userId === userId; }); }
  function pending() { return allKept().then(mine); }
  function forget(nonce) { return inStore('readwrite', function (store) { store.delete(nonce); }); }

  /** Writes one scan; resolves once it is on the device (IndexedDB, or localStorage if IndexedDB fails). */
  function persist(item) {
    var record = Object.assign({ eventId: eventId, userId: userId }, item);
    return inStore('readwrite', function (store) { store.put(record); }).catch(function () {
      // IndexedDB unusable (a private window of some browsers, a full disk): the old place, moved over on a later load.
      var list = parse(localStorage.getItem(pendingKey), []);
      list.push(record);
      localStorage.setItem(pendingKey, JSON.stringify(list));
    });
  }

  /** Queues kept by the previous desk.js in localStorage (any event) move into IndexedDB, once. */
  function migrateLegacy() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(LEGACY_PREFIX) === 0) keys.push(k);
    }
    return keys.reduce(function (done, key) {
      return done.then(function () {
        var forEvent = key.slice(LEGACY_PREFIX.length);
        var list = parse(localStorage.getItem(key), []);
        if (!Array.isArray(list) || !list.length) return localStorage.removeItem(key);
        return inStore('readwrite', function (store) {
          list.forEach(function (s) {
            // Scans of that time carried no account: they were made on this browser, by whoever is signed in now.
            if (s && s.nonce && s.scannedAt) store.put(Object.assign({}, s, { eventId: s.eventId || forEvent, userId: s.userId || userId }));
          });
        }).then(function () { localStorage.removeItem(key); });
      });
    }, Promise.resolve()).catch(function () { /* IndexedDB unusable: the queue stays where it is, and is sent from there */ });
  }

  function renderPending() {
    return allKept().then(function (list) {
      var own = mine(list);
      var legacy = parse(localStorage.getItem(pendingKey), []);
      pendingCount = own.length + legacy.length;
      el('desk-pending-count').textContent = String(pendingCount);
      el('desk-pending').hidden = pendingCount === 0;
      var others = list.length - own.length;
      var box = el('desk-others');
      box.hidden = others === 0;
      if (others) box.textContent = t('offline.otherAccount', { count: others });
    }, function () {
      var legacy = parse(localStorage.getItem(pendingKey), []);
      pendingCount = legacy.length;
      el('desk-pending-count').textContent = String(pendingCount);
      el('desk-pending').hidden = pendingCount === 0;
    });
  }

  /** Queues a scan; `retryAfter` (seconds, from a 503) means online but the server asked to come back soon. */
  function keep(item, retryAfter) {
    return persist(item).then(function () {
      renderPending();
      if (retryAfter) {
        show('offline', t('savedRetry'), item.label);
        scheduleSync(retryAfter);
        return;
      }
      show('offline', t('savedOffline'), item.label);
      renderNet(false);
    }, function () {
      // Nowhere to keep it: say so plainly, so the clerk writes the code down instead of trusting the desk.
      show('err', t('offline.storageFailed', { code: item.label }), '');
    });
  }

  var syncTimer;
  /** A sync sooner than the 10 s retry timer, once (several 503s at once schedule one). */
  function scheduleSync(seconds) {
    if (syncTimer) return;
    syncTimer = setTimeout(function () { syncTimer = undefined; sync(); }, Math.min(seconds, 30) * 1000);
  }

  /**
   * A fresh CSRF token from the desk page itself (a page opened from the worker's copy may carry the token of a
   * session that has since been renewed); null when the page does not answer with a desk (the session ended).
   */
  function freshToken() {
    return fetch(location.pathname, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) { return res.ok && !res.redirected ? res.text() : ''; })
      .then(function (html) {
        var desk = html && new DOMParser().parseFromString(html, 'text/html').getElementById('desk');
        return desk && desk.dataset.userId === userId ? desk.dataset.csrf : null;
      }, function () { return null; });
  }

  /** Sends one kept scan; a CSRF refusal is retried once with a fresh token. */
  function sendKept(item, retried) {
    return send(item).then(function (r) {
      // The CSRF check's 403 has no code (the API's own refusals always carry one).
      if (r.status === 403 && !(r.body && r.body.code) && !retried) {
        return freshToken().then(function (token) {
          if (!token) return r;
          csrf = token;
          return sendKept(item, true);
        });
      }
      return r;
    });
  }

  /** Sends what the previous desk.js left in localStorage (IndexedDB unusable here); the same rules as below. */
  function syncLegacy() {
    var list = parse(localStorage.getItem(pendingKey), []);
    if (!list.length) return Promise.resolve();
    var item = list[0];
    return sendKept(item).then(function (r) {
      if (r.status >= 500 || r.status === 401) throw r;
      localStorage.setItem(pendingKey, JSON.stringify(parse(localStorage.getItem(pendingKey), []).filter(function (p) { return p.nonce !== item.nonce; })));
      logSynced(item, interpret(r.status, r.body));
      return syncLegacy();
    });
  }

  /** One sync at a time per event across this browser's tabs (the server would answer a double send alike, but once is enough). */
  function exclusively(work) {
    if (navigator.locks && typeof navigator.locks.request === 'function') {
      return navigator.locks.request('td-desk-sync:' + eventId, { ifAvailable: true }, function (lock) { return lock ? work() : null; });
    }
    return work();
  }

  /** Sends the kept scans in the order they were made; stops at the first that still cannot get through. */
  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    var sent = { ok: 0, dup: 0, err: 0 };
    var step = function () {
      return pending().then(function (list) {
        if (!list.length) return;
        var item = list[0];
        return sendKept(item).then(function (r) {
          // A server error (503: its database is away) or an expired session: keep it for later rather than lose it.
          if (r.status >= 500 || r.status === 401) throw r;
          // Answered (new, duplicate — another desk was first — or refused): it leaves the queue either way.
          return forget(item.nonce).then(function () {
            var shown = interpret(r.status, r.body);
            sent[shown.kind]++;
            logSynced(item, shown);
            return step();
          });
        });
      });
    };
    var stopped = null;
    return exclusively(function () { return step().then(syncLegacy); })
      // Still offline, or stopped by the server: the retry timer or the 'online' event tries again.
      .catch(function (r) { stopped = r; })
      .then(renderPending)
      .then(function () {
        syncing = false;
        if (stopped && stopped.status === 503) scheduleSync(stopped.retryAfter || 2);
        if (stopped && stopped.status === 401) show('err', t('offline.loggedOutQueued', { count: pendingCount }), '');
        renderNet(navigator.onLine);
        // "Saved, will be sent" is no longer true once the queue is empty: say it was sent instead.
        // Only duplicates (another desk sent the same person first): that, in the colour of "already checked in".
        if (!pendingCount && resultBox.dataset.kind === 'offline') {
          if (!sent.ok && sent.dup) show('dup', t('syncedDuplicate'), '');
          else show('ok', t('synced'), '');
        }
        refreshStats();
      });
  }

  function logSynced(item, shown) {
    syncedCount++;
    el('desk-synced').hidden = false;
    el('desk-synced-count').textContent = String(syncedCount);
    var li = document.createElement('li');
    li.className = 'synced-' + shown.kind;
    li.textContent = timeInZone(item.scannedAt) + ' · ' + shown.title + (shown.detail ? ' — ' + shown.detail : '');
    el('desk-synced-list').prepend(li);
  }

  function renderNet(online) {
    el('desk-net').hidden = online;
    // Offline, this page may be the worker's copy: say when it was made.
    el('desk-saved-copy').textContent = online || !renderedAt ? '' : t('offline.savedCopy', { time: timeInZone(renderedAt) });
  }

  // ---- Live count ----

  function refreshStats() {
    return fetch(api + '/check-ins/stats', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (s) {
        if (!s) return;
        // The big figures follow the chosen mode: a session's own count, or the whole event at the door.
        var sid = sessionSelect && sessionSelect.value;
        var row = sid ? (s.bySession || []).filter(function (b) { return b.sessionId === sid; })[0] || { checkedIn: 0 } : null;
        el('desk-checked').textContent = String(row ? row.checkedIn : s.checkedIn);
        el('desk-expected').textContent = String(s.expected);
        var box = el('desk-session-count');
        box.hidden = !row;
        if (row) box.textContent = t('atDoor', { count: s.checkedIn });
        renderNet(true);
      }, function () { renderNet(false); });
  }

  // ---- Name search ----

  var searchTimer = null;
  var searchSeq = 0;
  function search(q) {
    var list = el('desk-search-results');
    var status = el('desk-search-status');
    var seq = ++searchSeq;
    list.textContent = '';
    if (q.length < 2) { status.textContent = ''; return; }
    status.textContent = t('searching');
    fetch('/desk/' + encodeURIComponent(eventId) + '/search?q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : { items: [] }; })
      .then(function (page) {
        if (seq !== searchSeq) return;
        status.textContent = page.items.length ? '' : t('noMatch');
        page.items.forEach(function (r) {
          var li = document.createElement('li');
          var name = document.createElement('span');
          name.className = 'desk-person';
          name.textContent = who(r);
          li.appendChild(name);
          var st = document.createElement('span');
          st.className = 'tag status-' + r.status;
          st.textContent = t('statuses.' + r.status);
          li.appendChild(st);
          // Already checked in: say when, so the clerk does not wave the person through twice.
          if (r.checkedInAt) {
            var at = document.createElement('span');
            at.className = 'desk-checked-at';
            at.textContent = t('already', { time: timeInZone(r.checkedInAt) });
            li.appendChild(at);
          }
          var b = document.createElement('button');
          b.type = 'button';
          b.className = 'primary';
          b.textContent = t('checkIn');
          b.addEventListener('click', function () {
            scan({ registrationId: r.id, label: r.fullName });
            codeInput.focus();
          });
          li.appendChild(b);
          list.appendChild(li);
        });
      }, function () { if (seq === searchSeq) status.textContent = t('offline'); });
  }

  // ---- Camera: the browser's BarcodeDetector, or jsQR (served by the app) where there is none ----

  /** Resolves a function video → Promise<code|null>, or null when this browser cannot decode QR codes at all. */
  function qrReader() {
    if ('BarcodeDetector' in window) {
      try {
        var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        return Promise.resolve(function (video) {
          return detector.detect(video).then(function (found) { return (found && found[0] && found[0].rawValue) || null; });
        });
      } catch (e) { /* fall through to jsQR */ }
    }
    return new Promise(function (resolve) {
      if (window.jsQR) return resolve(window.jsQR);
      var script = document.createElement('script');
      script.src = '/desk/assets/jsqr.js';
      script.onload = function () { resolve(window.jsQR || null); };
      script.onerror = function () { resolve(null); };
      document.head.appendChild(script);
    }).then(function (jsQR) {
      if (!jsQR) return null;
      var canvas = document.createElement('canvas');
      var ctx = canvas.getContext('2d', { willReadFrequently: true });
      return function (video) {
        var w = video.videoWidth, h = video.videoHeight;
        if (!w || !h) return Promise.resolve(null);
        // A third of the resolution is plenty for a code held up to the camera, and keeps a phone cool.
        var scale = Math.min(1, 640 / Math.max(w, h));
        canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
        return Promise.resolve(found && found.data ? found.data : null);
      };
    });
  }

  function setUpCamera() {
    var box = el('desk-camera');
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') return;
    box.hidden = false;
    var video = el('desk-video');
    var start = el('desk-camera-start');
    var stop = el('desk-camera-stop');
    var stream = null;
    var timer = null;
    var last = { code: '', at: 0 };
    function end() {
      if (timer) clearInterval(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (tr) { tr.stop(); });
      stream = null;
      video.hidden = true; stop.hidden = true; start.hidden = false;
    }
    start.addEventListener('click', function () {
      var read;
      qrReader().then(function (reader) {
        if (!reader) throw new Error('no QR decoder');
        read = reader;
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false; stop.hidden = false; start.hidden = true;
        return video.play();
      }).then(function () {
        var busy = false;
        timer = setInterval(function () {
          if (busy) return;
          busy = true;
          read(video).then(function (code) {
            busy = false;
            // The same code stays in front of the camera: one scan per 3 seconds.
            if (!code || (code === last.code && Date.now() - last.at < 3000)) return;
            last = { code: code, at: Date.now() };
            scan({ code: code });
          }, function () { busy = false; });
        }, 300);
      }).catch(function () { end(); show('err', t('cameraError'), ''); });
    });
    stop.addEventListener('click', end);
  }

  // ---- Offline copy of this page: the desk's service worker ----

  /** Registers the worker (scope /desk/) and asks it to keep this page; says so once it is kept. */
  function keepForOffline() {
    if (!('serviceWorker' in navigator) || !window.caches) return;
    // Offline, an installed worker is already in charge; registering again would only fail its update check.
    var registered = navigator.serviceWorker.controller && !navigator.onLine
      ? Promise.resolve()
      : navigator.serviceWorker.register('/desk/sw.js', { scope: '/desk/' });
    registered.then(function () { return navigator.serviceWorker.ready; }).then(function (reg) {
      var worker = navigator.serviceWorker.controller || reg.active;
      if (!worker) return;
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        if (!event.data || !event.data.kept) return;
        var box = el('desk-ready');
        box.textContent = t('offline.ready');
        box.hidden = false;
        root.dataset.offlineReady = event.data.version || 'yes';
      };
      worker.postMessage({ type: 'keep-page', path: location.pathname }, [channel.port2]);
    }).catch(function () { /* no worker (a private window, an old browser): the desk works, only not after an offline reload */ });
  }

  /**
   * Logging out here deletes the saved copies of the desk (they show this account's name and figures) before
   * the form goes; the queued scans stay (they are sent when this account opens the desk again).
   */
  function forgetOnLogout() {
    var form = document.querySelector('form[action="/logout"]');
    if (!form || !window.caches) return;
    var done = false;
    form.addEventListener('submit', function (event) {
      // Offline the logout cannot reach the server (the session stays): nor should the copy go.
      if (done || !navigator.onLine) return;
      event.preventDefault();
      done = true;
      var go = function () { form.submit(); };
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf('td-desk-') === 0; }).map(function (n) { return caches.delete(n); }));
      }).then(go, go);
    });
  }

  // ---- Wiring ----

  el('desk-scan-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var code = codeInput.value.trim();
    codeInput.value = '';
    codeInput.focus();
    if (code) scan({ code: code });
  });
  el('desk-search').addEventListener('input', function (event) {
    var q = event.target.value.trim();
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { search(q); }, 250);
  });
  if (sessionSelect) {
    var remembered = localStorage.getItem(sessionKey);
    if (remembered && Array.prototype.some.call(sessionSelect.options, function (o) { return o.value === remembered; })) sessionSelect.value = remembered;
    sessionSelect.addEventListener('change', function () {
      localStorage.setItem(sessionKey, sessionSelect.value);
      el('desk-checked').textContent = '…';
      refreshStats();
      codeInput.focus();
    });
  }
  window.addEventListener('online', function () { renderNet(true); sync(); });
  window.addEventListener('offline', function () { renderNet(false); });
  setInterval(sync, RETRY_EVERY_MS);
  setInterval(refreshStats, STATS_EVERY_MS);
  renderNet(navigator.onLine);
  setUpCamera();
  keepForOffline();
  forgetOnLogout();
  migrateLegacy().then(renderPending).then(sync);
  refreshStats();
  codeInput.focus();
})();
