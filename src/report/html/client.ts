/**
 * The report's script, inlined as plain browser JavaScript (ES2017, no framework, no network).
 * Everything it needs is in the page: the DOM (findings carry data-severity, data-category,
 * data-tables) and the JSON in #report-data (each diagram table's columns and findings).
 * Without it the report still reads top to bottom: every finding is visible, the diagram scrolls.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var dataEl = document.getElementById('report-data');
  var data = dataEl ? JSON.parse(dataEl.textContent || '{}') : {};
  var tables = data.tables || {};

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k]; else if (k === 'className') e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  // ---- Copy buttons: the async clipboard API where the page is a secure context, else execCommand
  // (a report opened from file:// in some browsers, or an older one).
  function legacyCopy(text) {
    var ta = el('textarea', { readonly: '', style: 'position:fixed;top:0;left:0;opacity:0' });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return legacyCopy(text); });
    }
    return Promise.resolve(legacyCopy(text));
  }
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest && ev.target.closest('button.copy');
    if (!btn) return;
    var target = document.getElementById(btn.getAttribute('data-copy'));
    if (!target) return;
    copyText(target.textContent || '').then(function (ok) {
      btn.textContent = ok ? 'Copied' : 'Press Ctrl+C';
      btn.classList.toggle('done', ok);
      if (!ok) { var r = document.createRange(); r.selectNodeContents(target); var s = getSelection(); s.removeAllRanges(); s.addRange(r); }
      setTimeout(function () { btn.textContent = 'Copy'; btn.classList.remove('done'); }, 1600);
    });
  });

  // ---- Filters: severity chips, category and table selects, a counter; state mirrored in the URL hash.
  var items = $$('.item[data-severity]');
  var filterBar = $('#filters');
  var counter = $('#filter-count');
  function parseTables(item) {
    if (!item._tables) { try { item._tables = JSON.parse(item.getAttribute('data-tables') || '[]'); } catch (e) { item._tables = []; } }
    return item._tables;
  }
  function state() {
    var sev = $$('input[data-filter-severity]').filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    var cat = $('#filter-category') ? $('#filter-category').value : '';
    var table = $('#filter-table') ? $('#filter-table').value : '';
    return { severity: sev, category: cat, table: table };
  }
  function applyFilters(updateHash) {
    if (!filterBar) return;
    var s = state();
    var shown = 0;
    items.forEach(function (item) {
      var ok = s.severity.indexOf(item.getAttribute('data-severity')) >= 0 &&
        (!s.category || item.getAttribute('data-category') === s.category) &&
        (!s.table || parseTables(item).indexOf(s.table) >= 0);
      item.hidden = !ok;
      if (ok) shown++;
    });
    $$('section[data-filterable]').forEach(function (sec) {
      var all = $$('.item[data-severity]', sec);
      var empty = $('.filtered-empty', sec);
      if (empty) empty.hidden = all.length === 0 || all.some(function (i) { return !i.hidden; });
    });
    if (counter) counter.textContent = shown + ' of ' + items.length + ' finding' + (items.length === 1 ? '' : 's') + ' shown';
    if (updateHash) {
      var all = $$('input[data-filter-severity]').length;
      var parts = [];
      if (s.severity.length !== all) parts.push('severity=' + s.severity.map(encodeURIComponent).join(','));
      if (s.category) parts.push('category=' + encodeURIComponent(s.category));
      if (s.table) parts.push('table=' + encodeURIComponent(s.table));
      var hash = parts.length ? '#filter:' + parts.join('&') : '';
      history.replaceState(null, '', location.pathname + location.search + hash);
    }
  }
  function resetFilters() {
    $$('input[data-filter-severity]').forEach(function (i) { i.checked = true; });
    if ($('#filter-category')) $('#filter-category').value = '';
    if ($('#filter-table')) $('#filter-table').value = '';
    applyFilters(true);
  }
  function restoreFilters() {
    var m = /^#filter:(.*)$/.exec(location.hash);
    if (!m) return;
    m[1].split('&').forEach(function (pair) {
      var kv = pair.split('=');
      var key = kv[0];
      var value = decodeURIComponent(kv[1] || '');
      if (key === 'severity') {
        var wanted = (kv[1] || '').split(',').map(decodeURIComponent);
        $$('input[data-filter-severity]').forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
      } else if (key === 'category' && $('#filter-category')) {
        $('#filter-category').value = value;
      } else if (key === 'table' && $('#filter-table')) {
        $('#filter-table').value = value;
      }
    });
  }
  if (filterBar) {
    filterBar.addEventListener('change', function () { applyFilters(true); });
    var reset = $('#filter-reset');
    if (reset) reset.addEventListener('click', resetFilters);
    restoreFilters();
    applyFilters(false);
  }

  function showItem(id) {
    var item = document.getElementById(id);
    if (!item) return;
    if (item.hidden) resetFilters();
    var details = item.closest('details');
    if (details) details.open = true;
    item.scrollIntoView({ block: 'start' });
    item.classList.remove('flash');
    void item.offsetWidth;
    item.classList.add('flash');
  }

  // ---- Diagram: pan by dragging, zoom by wheel and buttons, click a table for its panel.
  var viewport = $('#diagram-viewport');
  var stage = $('#diagram-stage');
  var svg = stage && $('svg', stage);
  var zoomLabel = $('#zoom-level');
  var view = { x: 0, y: 0, s: 1 };
  var size = { w: 1, h: 1 };
  function render() {
    stage.style.transform = 'translate(' + view.x + 'px,' + view.y + 'px) scale(' + view.s + ')';
    stage.setAttribute('data-scale', String(view.s));
    if (zoomLabel) zoomLabel.textContent = Math.round(view.s * 100) + '%';
  }
  function fit() {
    var vw = viewport.clientWidth, vh = viewport.clientHeight;
    view.s = Math.min(vw / size.w, vh / size.h, 1.5);
    view.x = (vw - size.w * view.s) / 2;
    view.y = (vh - size.h * view.s) / 2;
    render();
  }
  function zoomAt(factor, cx, cy) {
    var s = Math.max(0.02, Math.min(6, view.s * factor));
    view.x = cx - (cx - view.x) * (s / view.s);
    view.y = cy - (cy - view.y) * (s / view.s);
    view.s = s;
    render();
  }
  if (viewport && stage && svg) {
    var vb = (svg.getAttribute('viewBox') || '0 0 1 1').split(/[\s,]+/).map(Number);
    size = { w: vb[2] || 1, h: vb[3] || 1 };
    svg.setAttribute('width', String(size.w));
    svg.setAttribute('height', String(size.h));
    fit();
    window.addEventListener('resize', function () { if (!viewport._touched) fit(); });
    viewport.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      viewport._touched = true;
      var r = viewport.getBoundingClientRect();
      zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });
    $$('[data-zoom]').forEach(function (b) {
      b.addEventListener('click', function () {
        var z = b.getAttribute('data-zoom');
        viewport._touched = z !== 'fit';
        if (z === 'fit') fit(); else zoomAt(z === 'in' ? 1.25 : 0.8, viewport.clientWidth / 2, viewport.clientHeight / 2);
      });
    });
    var drag = null;
    var dragged = false;
    viewport.addEventListener('pointerdown', function (ev) {
      if (ev.button !== 0) return;
      drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, id: ev.pointerId, moving: false };
      dragged = false;
    });
    viewport.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      // A few pixels of jitter is still a click on a table, not a pan.
      if (!drag.moving && Math.abs(dx) + Math.abs(dy) < 5) return;
      if (!drag.moving) { drag.moving = true; viewport.setPointerCapture(drag.id); viewport.classList.add('dragging'); }
      viewport._touched = true;
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      render();
    });
    function endDrag() {
      if (drag && drag.moving) { dragged = true; viewport.classList.remove('dragging'); }
      drag = null;
    }
    viewport.addEventListener('pointerup', endDrag);
    viewport.addEventListener('pointercancel', endDrag);
    $$('g.node', svg).forEach(function (n) {
      n.setAttribute('tabindex', '0');
      n.setAttribute('role', 'button');
      n.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); openPanel(n.id.slice(6)); } });
    });
    svg.addEventListener('click', function (ev) {
      if (dragged) { dragged = false; return; }
      var node = ev.target.closest && ev.target.closest('g.node');
      if (node && node.id.indexOf('table:') === 0) openPanel(node.id.slice(6));
    });
  }

  // ---- The side panel: a table's columns and findings.
  var panel = $('#panel');
  function closePanel() {
    if (!panel) return;
    panel.hidden = true;
    $$('g.node.selected').forEach(function (n) { n.classList.remove('selected'); });
  }
  function openPanel(key) {
    var t = tables[key];
    if (!panel || !t) return;
    $$('g.node.selected').forEach(function (n) { n.classList.remove('selected'); });
    var node = document.getElementById('table:' + key);
    if (node) node.classList.add('selected');
    var body = $('#panel-body', panel);
    body.textContent = '';
    body.appendChild(el('h2', { text: t.label }));
    if (t.comment) body.appendChild(el('p', { text: t.comment }));
    if (t.section) {
      var link = el('a', { href: '#' + t.section, text: 'Open the table\u2019s section' });
      link.addEventListener('click', closePanel);
      body.appendChild(el('p', {}, [link]));
    }
    body.appendChild(el('h3', { text: 'Columns (' + t.columns.length + ')' }));
    var rows = t.columns.map(function (c) {
      return el('tr', {}, [el('td', {}, [el('code', { text: c.name })]), el('td', { text: c.type }), el('td', { text: c.nullable ? 'null' : 'not null' }), el('td', {}, [c.default ? el('code', { text: c.default }) : null])]);
    });
    body.appendChild(el('table', { className: 'grid columns' }, [
      el('thead', {}, [el('tr', {}, [el('th', { text: 'Name' }), el('th', { text: 'Type' }), el('th', { text: 'Null' }), el('th', { text: 'Default' })])]),
      el('tbody', {}, rows),
    ]));
    body.appendChild(el('h3', { text: 'Findings (' + t.findings.length + ')' }));
    if (t.findings.length === 0) body.appendChild(el('p', { className: 'empty', text: 'No findings on this table.' }));
    else body.appendChild(el('ul', { className: 'findings' }, t.findings.map(function (f) {
      var b = el('button', { type: 'button', className: 'sev-' + f.severity, 'data-target': f.anchor }, [el('span', { className: 'badge', text: f.severity }), ' ', el('strong', { text: f.id }), ' ' + f.title]);
      b.addEventListener('click', function () { showItem(f.anchor); });
      return el('li', {}, [b]);
    })));
    panel.hidden = false;
    $('.close', panel).focus();
  }
  if (panel) {
    $('.close', panel).addEventListener('click', closePanel);
    document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') closePanel(); });
  }
})();
`;
