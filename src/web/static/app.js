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
