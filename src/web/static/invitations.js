// The invitations page: the send dialog (open/close, previews follow the template), and the live
// progress of running batches (polls the batch's JSON every second; the bar moves without a reload).
(function () {
  'use strict';
  function $(id) { return document.getElementById(id); }

  document.querySelectorAll('[data-dialog]').forEach(function (button) {
    button.addEventListener('click', function () {
      var dialog = $(button.getAttribute('data-dialog'));
      if (dialog && typeof dialog.showModal === 'function') dialog.showModal();
    });
  });
  document.querySelectorAll('[data-close-dialog]').forEach(function (button) {
    button.addEventListener('click', function () {
      var dialog = $(button.getAttribute('data-close-dialog'));
      if (dialog) dialog.close();
    });
  });

  var template = $('send-template');
  if (template) {
    template.addEventListener('change', function () {
      document.querySelectorAll('iframe.mail-preview').forEach(function (frame) {
        frame.src = frame.getAttribute('data-base') + '&template=' + encodeURIComponent(template.value);
      });
    });
  }

  function watch(row) {
    var id = row.getAttribute('data-batch-id');
    var bar = row.querySelector('.batch-progress');
    var percent = row.querySelector('.batch-percent');
    var counts = row.querySelector('.batch-counts');
    function tick() {
      fetch('/api/v1/invitation-batches/' + encodeURIComponent(id), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (b) {
          if (!b) return setTimeout(tick, 3000);
          bar.value = b.percent;
          bar.textContent = b.percent + ' %';
          percent.textContent = String(b.percent);
          counts.textContent = counts.getAttribute('data-label-sent') + ': ' + b.sent + ' · ' + counts.getAttribute('data-label-failed') + ': ' + b.failed + ' · ' + counts.getAttribute('data-label-queued') + ': ' + (b.queued + b.sending) + ' / ' + b.total;
          row.setAttribute('data-done', b.done ? '1' : '0');
          if (!b.done) setTimeout(tick, 1000);
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  }
  document.querySelectorAll('tr.batch[data-done="0"]').forEach(watch);
})();
