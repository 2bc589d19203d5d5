// The event page's articles box: each language's article status, and why a generation failed.
(function () {
  'use strict';
  var box = document.querySelector('[data-event-articles]');
  if (!box || !window.fetch) return;
  var list = box.querySelector('.event-articles-list');
  var d = box.dataset;
  fetch('/api/v1/articles?eventId=' + encodeURIComponent(d.eventArticles), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (page) {
      // A role that may not read articles (the check-in staff) sees no box.
      if (!page) { box.hidden = true; return; }
      if (!page.items.length) {
        var none = document.createElement('li');
        none.textContent = d.none;
        list.appendChild(none);
      }
      page.items.forEach(function (a) {
        var li = document.createElement('li');
        li.className = 'event-article status-' + a.status;
        li.textContent = (a.language === 'vi' ? d.langVi : d.langEn) + ': ' + d['status' + a.status.charAt(0).toUpperCase() + a.status.slice(1)];
        if (a.status === 'failed') {
          var why = document.createElement('span');
          why.className = 'failure-reason';
          why.textContent = ' — ' + d.failed.replace('{reason}', a.failureReason || '');
          li.appendChild(why);
        }
        list.appendChild(li);
      });
    }, function () {});
})();
