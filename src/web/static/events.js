// Agenda form: a button to add another speaker row (the page already offers two blank rows without it).
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var button = document.querySelector('[data-add-speaker-row]');
    if (!button) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var rows = document.querySelectorAll('.speaker-row');
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      var n = rows.length + 1;
      copy.querySelectorAll('select').forEach(function (select, i) {
        select.selectedIndex = 0;
        select.removeAttribute('id');
        var label = select.getAttribute('aria-label') || '';
        select.setAttribute('aria-label', label.replace(/\d+$/, String(n)));
        if (i === 0) select.focus();
      });
      last.parentNode.insertBefore(copy, last.nextSibling);
    });
  });
})();
