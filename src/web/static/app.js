// Progressive enhancements only: every page works without this file.
// Kept in a static file (no inline scripts) so the Content-Security-Policy stays strict.
(function () {
  'use strict';
  // Forms marked data-confirm ask before submitting (e.g. destructive actions).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
(function () {
  'use strict';
  // The registrations list: "tick all" and a confirmation before a bulk cancellation.
  var all = document.getElementById('bulk-all');
  if (all) {
    all.addEventListener('change', function () {
      Array.prototype.forEach.call(document.querySelectorAll('.bulk-pick'), function (box) { box.checked = all.checked; });
    });
  }
  var bulk = document.getElementById('bulk-form');
  if (bulk) {
    bulk.addEventListener('submit', function (event) {
      var action = bulk.querySelector('select[name="action"]');
      var button = bulk.querySelector('[data-confirm-bulk]');
      if (action && action.value === 'cancel' && button && !window.confirm(button.getAttribute('data-confirm-bulk'))) event.preventDefault();
    });
  }
})();
(function () {
  'use strict';
  // A phone menu: below 40rem the main navigation folds behind one button (the page works without it).
  var nav = document.getElementById('mainnav');
  if (!nav || !window.matchMedia) return;
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'menu-toggle linkbutton';
  button.textContent = nav.getAttribute('data-menu-label') || '≡';
  button.setAttribute('aria-controls', 'mainnav');
  button.setAttribute('aria-expanded', 'false');
  nav.parentNode.insertBefore(button, nav);
  var small = window.matchMedia('(max-width: 40rem)');
  function fold() {
    nav.classList.toggle('folded', small.matches && button.getAttribute('aria-expanded') !== 'true');
    button.hidden = !small.matches;
  }
  button.addEventListener('click', function () {
    button.setAttribute('aria-expanded', button.getAttribute('aria-expanded') === 'true' ? 'false' : 'true');
    fold();
  });
  if (small.addEventListener) small.addEventListener('change', fold);
  fold();
})();
(function () {
  'use strict';
  // The login page: nobody is signed in on this browser now, so the check-in desk's offline copies
  // (desk-sw.js; they show the last account's name and figures) go. Its queued scans (IndexedDB) stay.
  if (location.pathname !== '/login' || !window.caches) return;
  caches.keys().then(function (names) {
    names.forEach(function (n) { if (n.indexOf('td-desk-') === 0) caches.delete(n); });
  });
})();
