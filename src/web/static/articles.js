// Recap and article pages: several photos at once with previews, waiting for a generation, and the
// editor's live preview. Every page works without this file (one photo per upload, reload by hand).
(function () {
  'use strict';

  // ---- Photo upload: one caption pair per chosen file, sent one by one to the API ----
  var form = document.querySelector('form.photo-upload');
  if (form) {
    var input = form.querySelector('input[type="file"]');
    var previews = form.querySelector('.photo-previews');
    var status = form.querySelector('.upload-status');
    var d = form.dataset;
    var enhanced = false;
    var field = function (label, name, lang) {
      var wrap = document.createElement('label');
      wrap.textContent = label;
      var el = document.createElement('input');
      el.type = 'text';
      el.name = name;
      el.maxLength = 500;
      if (lang) el.lang = lang;
      wrap.appendChild(el);
      return wrap;
    };
    input.addEventListener('change', function () {
      previews.textContent = '';
      var files = Array.prototype.slice.call(input.files || []);
      enhanced = files.length > 0;
      form.querySelectorAll('.single-caption').forEach(function (el) { el.hidden = enhanced; });
      files.forEach(function (file, i) {
        var box = document.createElement('div');
        box.className = 'photo-preview';
        box.dataset.index = String(i);
        var img = document.createElement('img');
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        box.appendChild(img);
        box.appendChild(field(d.labelCaption + ' *', 'caption-' + i));
        box.appendChild(field(d.labelCaptionEn, 'captionEn-' + i, 'en'));
        var err = document.createElement('p');
        err.className = 'error';
        box.appendChild(err);
        if (file.size > Number(d.maxBytes)) err.textContent = d.msgTooLarge;
        previews.appendChild(box);
      });
    });
    var message = function (res, body) {
      if (res.status === 413) return d.msgTooLarge;
      var code = body && body.code;
      if (code === 'photo.notImage') return d.msgNotImage;
      if (code === 'photo.unreadable') return d.msgUnreadable;
      if (res.status === 400 && JSON.stringify(body && body.message).indexOf('caption') >= 0) return d.msgCaption;
      return d.msgFailed;
    };
    form.addEventListener('submit', function (event) {
      if (!enhanced || !window.fetch || !window.FormData) return; // the plain form posts one photo
      event.preventDefault();
      var files = Array.prototype.slice.call(input.files || []);
      var failed = 0;
      status.textContent = d.msgUploading;
      files.reduce(function (chain, file, i) {
        return chain.then(function () {
          var box = previews.querySelector('[data-index="' + i + '"]');
          var err = box.querySelector('.error');
          err.textContent = '';
          var body = new FormData();
          body.append('caption', box.querySelector('[name="caption-' + i + '"]').value);
          body.append('captionEn', box.querySelector('[name="captionEn-' + i + '"]').value);
          body.append('file', file, file.name);
          return fetch(d.api, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'x-csrf-token': d.csrf, Accept: 'application/json' } })
            .then(function (res) {
              if (res.ok) { box.classList.add('uploaded'); return; }
              failed++;
              return res.json().catch(function () { return null; }).then(function (b) { err.textContent = message(res, b); });
            }, function () { failed++; err.textContent = d.msgFailed; });
        });
      }, Promise.resolve()).then(function () {
        if (!failed) window.location.assign(window.location.pathname + '?saved=photo#photos');
        else status.textContent = '';
      });
    });
  }

  // ---- Wait for articles being generated, then show them ----
  var poll = document.querySelector('[data-poll]');
  if (poll && poll.dataset.poll) {
    var ids = poll.dataset.poll.split(',');
    var tries = 0;
    var check = function () {
      Promise.all(ids.map(function (id) {
        return fetch('/api/v1/articles/' + id, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) { return r.ok ? r.json() : null; });
      })).then(function (list) {
        if (list.some(function (a) { return a && a.status !== 'generating'; })) window.location.replace(window.location.pathname + '#articles');
        else if (++tries < 120) setTimeout(check, 1000);
      }, function () { if (++tries < 120) setTimeout(check, 2000); });
    };
    setTimeout(check, 700);
  }

  // ---- Editor: the preview follows the fields as they are typed ----
  var preview = document.getElementById('article-preview');
  var editor = document.getElementById('article-form');
  if (preview && editor) {
    var photos = [];
    try { photos = JSON.parse(preview.dataset.photos || '[]'); } catch (e) { photos = []; }
    var value = function (name) { var el = editor.querySelector('[data-preview="' + name + '"]'); return el ? el.value : ''; };
    var figure = function (p) {
      var f = document.createElement('figure');
      f.className = 'news-photo';
      var img = document.createElement('img');
      img.src = p.url;
      img.alt = p.caption;
      var cap = document.createElement('figcaption');
      cap.textContent = p.caption;
      f.appendChild(img);
      f.appendChild(cap);
      return f;
    };
    var render = function () {
      preview.querySelector('[data-show="title"]').textContent = value('title').trim();
      preview.querySelector('[data-show="lead"]').textContent = value('lead').trim();
      preview.querySelector('[data-show="byline"]').textContent = value('byline').trim();
      var body = preview.querySelector('[data-show="body"]');
      body.textContent = '';
      var paras = value('paragraphs').replace(/\r\n?/g, '\n').split(/\n\s*\n/).map(function (p) { return p.replace(/\s*\n\s*/g, ' ').trim(); }).filter(Boolean);
      var after = function (n) { photos.forEach(function (p) { if (Math.min(p.afterParagraph, paras.length) === n) body.appendChild(figure(p)); }); };
      after(0);
      paras.forEach(function (text, i) {
        var para = document.createElement('p');
        para.textContent = text;
        body.appendChild(para);
        after(i + 1);
      });
    };
    editor.addEventListener('input', render);
  }
})();
