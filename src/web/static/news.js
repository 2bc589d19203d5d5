// The public article page: "copy link" (the share links work without this file).
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('.share-copy') : null;
    if (!button) return;
    var url = button.getAttribute('data-url');
    var status = button.parentElement.querySelector('.share-copied');
    var done = function () { if (status) status.textContent = button.getAttribute('data-copied'); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, function () { window.prompt('', url); });
    } else {
      window.prompt('', url);
    }
  });
})();
