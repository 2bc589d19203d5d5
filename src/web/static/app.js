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
