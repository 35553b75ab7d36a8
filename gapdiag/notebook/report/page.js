/* The team report's script: draws the rep tables and sections from the data embedded in
   the page, filters, searches, sorts, exports CSV and prepares printing. No network, no
   library. Every text comes from the data (Python words it; words.js says each rep's
   standing from its figures) and is set as text. */
(function () {
  'use strict';
  var source = document.getElementById('gapdiag-data');
  if (!source) { return; }
  var D = JSON.parse(source.textContent), S = D.s, W = D.words;
  var PAGE = 100;
  /* Field positions by name, as the data says (gapdiag.notebook.report.data). */
  function positions(fields) {
    var at = {};
    fields.forEach(function (f, i) { at[f] = i; });
    return at;
  }
  var F = positions(D.fields), DF = null;
  var STANDING_ORDER = {behind: 0, unknown: 1, on_track: 2, ahead: 3};
  /* Each rep's details come after this script in the page: read on first use. */
  var details = null;
  function detailsOf(r) {
    if (!details) {
      var node = document.getElementById('gapdiag-details');
      if (!node) { return null; }
      details = JSON.parse(node.textContent);
      DF = positions(details.fields);
    }
    return details.d[r.order];
  }
  function dtext(i) { return i > 0 ? details.s[i] : ''; }
  var reps = D.reps;
  var byRow = {};
  reps.forEach(function (r, i) { r.order = i; byRow[r[F.row]] = r; });

  function h(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    (kids || []).forEach(function (k) {
      if (k === null || k === undefined || k === '') { return; }
      e.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
    });
    return e;
  }
  function text(i) { return i > 0 ? S[i] : ''; }
  function name(r) { return S[r[F.name]]; }
  function team(r) { return D.teams[r[F.team]]; }
  function repLink(r) { return h('a', {href: '#rep-' + r[F.row]}, [name(r)]); }

  /* Cells: each returns [node or text, sort key, CSV text]. */
  var CELLS = {
    rep: function (r) {
      var id = S[r[F.id]], kids = [repLink(r)];
      if (id !== name(r)) { kids.push(h('small', null, [' ' + id])); }
      return [h('span', null, kids), name(r).toLowerCase(), name(r)];
    },
    standing: function (r) {
      var st = r[F.standing], key = S[st[0]];
      return [h('span', {'class': 'sd ' + key}, [S[st[1]]]), STANDING_ORDER[key], S[st[1]]];
    },
    team: function (r) {
      var t = team(r);
      return [h('a', {href: '#' + t[1]}, [t[0]]), r[F.team], t[0]];
    },
    focus: function (r) {
      var gap = text(r[F.gap]), status = text(r[F.status]), words = S[r[F.say]];
      var group = D.urgency[r[F.urgency]][0];
      var icon = gap ? W.icon[status] : (group === 'data' ? W.icon.unknown : '');
      var cls = 'st ' + (gap === 'system' ? 'system' : (status || (group === 'data' ? 'unknown' : 'none')));
      return [h('span', {'class': cls}, [icon ? h('span', {'aria-hidden': 'true'}, [icon + ' ']) : '', words]),
        r[F.urgency] * 10 - (r[F.confidence] ? r[F.confidence][0] : 0), words];
    },
    conf: function (r) {
      var c = r[F.confidence];
      if (!c) { return ['', -1, '']; }
      var bar = h('span', {'class': 'bar', 'aria-hidden': 'true'}, [h('i')]);
      bar.firstChild.style.width = Math.round(c[0] * 100) + '%';
      return [h('span', null, [bar, S[c[1]]]), c[0], S[c[1]]];
    },
    move: function (r) {
      var m = r[F.move];
      if (!m) { return ['', '', '']; }
      var words = S[m[0]] + ': ' + S[m[1]] + ' → ';
      return [h('span', null, [words, h('strong', null, [S[m[2]]])]), S[m[0]], words + S[m[2]]];
    },
    action: function (r) { return [text(r[F.action]), text(r[F.action]), text(r[F.action])]; },
    next: function (r) {
      var n = r[F.next];
      if (n === 0) { return ['', '', '']; }
      if (n === -1) { return [h('span', {'class': 'muted'}, [W.ui.no_step]), '~', '']; }
      return [h('span', {title: S[n[2]]}, [S[n[1]]]), S[n[0]], S[n[1]]];
    },
    trend: function (r) {
      var t = r[F.trend];
      if (!t) { return [r[F.next] === 0 ? '' : h('span', {'class': 'muted'}, [W.ui.no_trend]), '', '']; }
      return [h('span', null, [spark(t), h('small', null, [S[t[0]]])]), S[t[0]], S[t[0]]];
    }
  };

  function spark(t) {
    var points = t[1], target = t[2], NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'spark'); svg.setAttribute('width', '96'); svg.setAttribute('height', '24');
    svg.setAttribute('aria-hidden', 'true');
    if (!points.length) { return svg; }
    var values = points.map(function (p) { return p[1]; });
    if (target !== null) { values.push(target); }
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    var span = (high - low) || 1, first = points[0][0], weeks = (points[points.length - 1][0] - first) || 1;
    function x(w) { return (3 + 90 * (w - first) / weeks).toFixed(1); }
    function y(v) { return (21 - 18 * (v - low) / span).toFixed(1); }
    function add(tag, attrs) {
      var e = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      svg.appendChild(e);
    }
    if (target !== null) { add('line', {x1: 0, x2: 96, y1: y(target), y2: y(target)}); }
    if (points.length > 1) {
      add('polyline', {points: points.map(function (p) { return x(p[0]) + ',' + y(p[1]); }).join(' ')});
    }
    var last = points[points.length - 1];
    add('circle', {cx: x(last[0]), cy: y(last[1]), r: 2.5});
    return svg;
  }

  function columns(withTeam) {
    var cols = ['rep', 'standing'];
    if (withTeam) { cols.push('team'); }
    cols.push('focus', 'conf', 'move', 'action');
    if (D.history) { cols.push('trend', 'next'); }
    return cols;
  }

  /* A sortable table of reps; `grouped` draws urgency headings while in urgency order. */
  function RepTable(table, list, cols, caption, grouped) {
    this.table = table; this.all = list; this.list = list; this.cols = cols;
    this.sortCol = null; this.asc = true; this.limit = grouped ? PAGE : Infinity;
    this.grouped = grouped;
    table.className = 'reps cards';
    table.textContent = '';
    table.appendChild(h('caption', null, [caption]));
    var self = this, row = h('tr');
    cols.forEach(function (c, i) {
      var button = h('button', {type: 'button'}, [W.cols[c]]);
      button.addEventListener('click', function () { self.sortBy(i); });
      row.appendChild(h('th', {scope: 'col', 'data-col': c}, [button]));
    });
    table.appendChild(h('thead', null, [row]));
    this.body = h('tbody');
    table.appendChild(this.body);
  }
  RepTable.prototype.sortBy = function (i, keep) {
    var col = this.cols[i];
    if (!keep) { this.asc = this.sortCol === i ? !this.asc : true; }
    this.sortCol = i;
    var heads = this.table.tHead.rows[0].cells;
    for (var k = 0; k < heads.length; k++) { heads[k].removeAttribute('aria-sort'); }
    heads[i].setAttribute('aria-sort', this.asc ? 'ascending' : 'descending');
    var asc = this.asc;
    var keyed = this.list.map(function (r) { return [CELLS[col](r)[1], r]; });
    keyed.sort(function (a, b) {
      var x = a[0], y = b[0], mx = x === '' || x === -1, my = y === '' || y === -1;
      if (mx || my) { return mx === my ? a[1].order - b[1].order : (mx ? 1 : -1); }
      var d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (asc ? d : -d) || a[1].order - b[1].order;
    });
    this.list = keyed.map(function (p) { return p[1]; });
    this.draw();
  };
  RepTable.prototype.show = function (list) {
    this.list = list;
    if (this.sortCol !== null) { this.sortBy(this.sortCol, true); } else { this.draw(); }
  };
  RepTable.prototype.draw = function () {
    var body = this.body, cols = this.cols, frag = document.createDocumentFragment();
    var last = -1, grouped = this.grouped && this.sortCol === null;
    var shown = this.list.slice(0, this.limit);
    shown.forEach(function (r) {
      if (grouped && r[F.urgency] !== last) {
        last = r[F.urgency];
        var u = D.urgency[last];
        frag.appendChild(h('tr', {'class': 'group u-' + u[0]},
          [h('th', {colspan: String(cols.length), scope: 'colgroup'}, [u[1]])]));
      }
      var tr = h('tr', {'data-row': String(r[F.row])});
      cols.forEach(function (c, i) {
        var cell = CELLS[c](r)[0];
        var td = i === 0 ? h('th', {scope: 'row'}, [cell]) : h('td', {'data-label': W.cols[c]}, [cell]);
        td.className = 'c-' + c;
        tr.appendChild(td);
      });
      frag.appendChild(tr);
    });
    body.textContent = '';
    body.appendChild(frag);
    return shown.length;
  };

  /* The first screen: filters, search, paging and the CSV download. */
  var first = document.getElementById('reps');
  var main = first ? new RepTable(first, reps, columns(D.teams.length > 1), W.ui.caption, true) : null;
  var q = function (id) { return document.getElementById(id); };
  function matches(r) {
    var t = q('f-team').value, g = q('f-gap').value, s = q('f-status').value;
    var st = q('f-standing').value;
    if (st !== '' && S[r[F.standing][0]] !== st) { return false; }
    var words = q('f-q').value.trim().toLowerCase();
    if (t !== '' && String(r[F.team]) !== t) { return false; }
    var gap = text(r[F.gap]);
    if (g === '-' ? gap !== '' : (g !== '' && gap !== g)) { return false; }
    if (s !== '') {
      var key = D.urgency[r[F.urgency]][0];
      if (s === 'data' || s === 'none' ? key !== s : text(r[F.status]) !== s) { return false; }
    }
    if (words) {
      var hay = (name(r) + ' ' + S[r[F.id]] + ' ' + team(r)[0]).toLowerCase();
      if (hay.indexOf(words) < 0) { return false; }
    }
    return true;
  }
  function refresh() {
    var list = reps.filter(matches);
    main.show(list);
    var drawn = Math.min(list.length, main.limit);
    q('shown').textContent = W.ui.showing.replace('{shown}', drawn.toLocaleString('en'))
      .replace('{total}', list.length.toLocaleString('en'))
      .replace('{all}', reps.length.toLocaleString('en'));
    var more = q('more');
    more.hidden = drawn >= list.length;
    more.textContent = W.ui.more.replace('{n}', Math.min(PAGE, list.length - drawn).toLocaleString('en'));
  }
  function csvCell(value) {
    var v = String(value);
    if (/^[=+\-@\t\r]/.test(v)) { v = "'" + v; }
    return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function csv() {
    var cols = ['rep', 'standing', 'team', 'focus', 'conf', 'move', 'action'];
    if (D.history) { cols.push('next'); }
    var lines = [['rep_id'].concat(cols.map(function (c) { return W.csv[c]; })).map(csvCell).join(',')];
    main.list.forEach(function (r) {
      var cells = [S[r[F.id]]].concat(cols.map(function (c) { return CELLS[c](r)[2]; }));
      lines.push(cells.map(csvCell).join(','));
    });
    return lines.join('\r\n') + '\r\n';
  }
  if (main) {
    ['f-team', 'f-standing', 'f-gap', 'f-status'].forEach(function (id) { q(id).addEventListener('change', refresh); });
    q('f-q').addEventListener('input', refresh);
    q('more').addEventListener('click', function () { main.limit += PAGE; refresh(); });
    q('export').addEventListener('click', function () {
      var blob = new Blob(['\ufeff' + csv()], {type: 'text/csv;charset=utf-8'});
      var a = h('a', {href: URL.createObjectURL(blob), download: W.ui.csv_file});
      document.body.appendChild(a); a.click(); a.remove();
    });
    refresh();
  }
  if (window.performance && performance.mark) { performance.mark('gapdiag-first-screen'); }

  /* Team sections: the rep table and the leaderboard, drawn when the section is opened. */
  function leaderboard(t, list) {
    var means = D.teams[t][2], table = h('table', {'class': 'board'});
    table.appendChild(h('caption', null, [W.ui.board]));
    var head = h('tr', null, [h('th', {scope: 'col'}, [W.cols.rep])]);
    D.lead.forEach(function (m) { head.appendChild(h('th', {scope: 'col', 'class': 'n'}, [m[1]])); });
    table.appendChild(h('thead', null, [head]));
    var body = h('tbody');
    list.forEach(function (r) {
      var tr = h('tr', null, [h('th', {scope: 'row'}, [repLink(r)])]);
      r[F.values].forEach(function (v, i) {
        var mean = means[i], mark = '';
        if (Array.isArray(v) && mean && list.length > 1) {
          mark = v[0] > mean[0] ? ' ' + W.above : (v[0] < mean[0] ? ' ' + W.below : ' ' + W.level);
        }
        tr.appendChild(h('td', {'class': 'n', 'data-label': D.lead[i][1]}, [v ? (Array.isArray(v) ? S[v[1]] + mark : S[v]) : W.ui.unknown]));
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    var foot = h('tr', null, [h('th', {scope: 'row'}, [W.ui.average])]);
    means.forEach(function (m, i) {
      foot.appendChild(h('td', {'class': 'n', 'data-label': D.lead[i][1]}, [m ? S[m[1]] : W.ui.unknown]));
    });
    table.appendChild(h('tfoot', null, [foot]));
    table.className = 'board cards';
    return table;
  }
  function drawTeam(details) {
    if (details.getAttribute('data-drawn')) { return; }
    details.setAttribute('data-drawn', '1');
    var anchor = details.getAttribute('data-team'), t = 0;
    D.teams.forEach(function (x, i) { if (x[1] === anchor) { t = i; } });
    var list = reps.filter(function (r) { return r[F.team] === t; });
    var box = details.querySelector('.team-tables'), table = h('table');
    var wrap = function (node, label) {
      return h('div', {'class': 'scroll', role: 'region', 'aria-label': label, tabindex: '0'}, [node]);
    };
    var of = ': ' + D.teams[t][0];
    box.appendChild(wrap(table, W.ui.team_caption + of));
    new RepTable(table, list, columns(false), W.ui.team_caption, false).draw();
    box.appendChild(wrap(leaderboard(t, list), W.ui.board_short + of));
  }
  var teamDetails = document.querySelectorAll('details.team-reps');
  Array.prototype.forEach.call(teamDetails, function (d) {
    if (d.open) { drawTeam(d); }
    d.addEventListener('toggle', function () { if (d.open) { drawTeam(d); } });
  });

  /* A rep's section, built the first time it is asked for. */
  function items(list, ordered, withChecks) {
    return h(ordered ? 'ol' : 'ul', null, list.map(function (it) {
      var checks = it[2].map(dtext).join('; ');
      var kids = ordered ? [dtext(it[0]) + ' ', h('strong', null, [dtext(it[1])])]
        : [h('strong', null, [dtext(it[0])]), ': ' + dtext(it[1])];
      if (checks && withChecks) { kids.push(' ', h('span', {'class': 'checks'}, ['(' + checks + ')'])); }
      return h('li', null, kids);
    }));
  }
  function para(i, cls) { return i > 0 ? h('p', cls ? {'class': cls} : null, [dtext(i)]) : null; }
  function section(r) {
    var d = detailsOf(r), t = team(r), id = S[r[F.id]];
    var at = function (k) { return d[DF[k]]; };
    var sub = [t[0], dtext(at('period'))].filter(Boolean).join(' · ') +
      (id !== name(r) ? ' · ' + W.ui.rep_id + ' ' + id : '');
    var parts = [h('h3', null, [name(r) + ' ', h('small', null, [sub])])];
    var said = at('standing');
    parts.push(typeof said === 'number' ? para(said, 'standing')
      : h('p', {'class': 'standing'}, [gapdiagWords.standing(S[r[F.standing][1]], said)]));
    parts.push(h('p', {'class': 'vd'}, at('verdicts').map(function (v) {
      var status = dtext(v[1]), gap = dtext(v[0]);
      var cls = 'st ' + (gap === 'system' && (status === 'confirmed' || status === 'suspected') ? 'system' : status);
      return h('span', {'class': cls}, [h('span', {'aria-hidden': 'true'}, [W.icon[status] + ' ']), dtext(v[3])]);
    })));
    if (at('watch').length) {
      parts.push(h('h4', null, [W.ui.watch]),
        h('ul', null, at('watch').map(function (s) { return h('li', null, [dtext(s)]); })));
    }
    parts.push(para(at('headline')));
    if (at('focus') > 0) {
      var m = r[F.move], focus = [h('strong', null, [W.ui.focus + ' ']), dtext(at('focus'))];
      if (m) { focus.push(': ' + S[m[0]] + ' ' + S[m[1]] + ' → ' + S[m[2]]); }
      if (r[F.action] > 0) { focus.push('. ' + W.ui.first + ' ' + S[r[F.action]]); }
      parts.push(h('p', null, focus));
    }
    parts.push(para(at('pip'), 'pip'));
    var evidence = at('evidence'), more = at('more'), tree = at('tree');
    if (evidence.length) { parts.push(h('h4', null, [W.ui.evidence]), items(evidence, false, true)); }
    if (more > 0) { parts.push(h('p', {'class': 'muted'}, [more === 1 ? W.ui.more_rule : W.ui.more_rules.replace('{n}', more)])); }
    if (!evidence.length && !more) { parts.push(h('p', null, [W.ui.no_rule])); }
    if (tree.length || at('tree_end') > 0) {
      parts.push(h('h4', null, [W.ui.tree]));
      if (tree.length) { parts.push(items(tree, true, true)); }
      parts.push(para(at('tree_end')));
    }
    parts.push(para(at('still_open')));
    var step = at('escalation');
    if (step) {
      parts.push(h('h4', null, [dtext(step[0])]), para(step[1]));
      if (step[2].length) { parts.push(h('ul', null, step[2].map(function (s) { return h('li', null, [dtext(s)]); }))); }
    }
    var ids = function (list) { return list.map(function (i) { return details.rules[i]; }).join(', '); };
    var rules = [h('summary', null, [W.ui.authors])];
    rules.push(h('p', null, [W.ui.fired + ' ' + (ids(at('fired')) || W.ui.none)]));
    if (at('open_rules').length) { rules.push(h('p', null, [W.ui.open + ' ' + ids(at('open_rules'))])); }
    parts.push(h('details', {'class': 'authors'}, rules));
    parts.push(h('p', {'class': 'back'}, [h('a', {href: '#' + t[1]}, [W.ui.back_team + ' ' + t[0]]), ' · ',
      h('a', {href: '#first'}, [W.ui.back_first])]));
    return h('article', {'class': 'rep', id: 'rep-' + r[F.row], tabindex: '-1'}, parts);
  }
  var list = document.getElementById('rep-list');
  function ensure(row) {
    var found = document.getElementById('rep-' + row);
    if (found || !(row in byRow) || !list || !detailsOf(byRow[row])) { return found; }
    var made = section(byRow[row]);
    list.appendChild(made);
    return made;
  }
  function fromHash() {
    var m = /^#rep-(\d+)$/.exec(location.hash);
    if (!m) { return; }
    var target = ensure(m[1]);
    if (target) { target.scrollIntoView(); }
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a[href^="#rep-"]') : null;
    if (a) { ensure(a.getAttribute('href').slice(5)); }
  });
  window.addEventListener('hashchange', fromHash);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', fromHash);
  } else {
    fromHash();
  }

  /* Printing: the summary prints every shown rep; "Print every rep" adds each section. */
  window.addEventListener('beforeprint', function () {
    if (main) { main.limit = Infinity; refresh(); }
    if (document.documentElement.classList.contains('print-full')) {
      Array.prototype.forEach.call(teamDetails, function (d) { d.open = true; drawTeam(d); });
      reps.forEach(function (r) { ensure(r[F.row]); });
    }
  });
  window.addEventListener('afterprint', function () {
    document.documentElement.classList.remove('print-full');
  });
  var full = document.getElementById('print-full');
  if (full) {
    full.addEventListener('click', function () {
      document.documentElement.classList.add('print-full');
      window.print();
    });
  }
  window.gapdiagReport = {csv: csv, prepareFullPrint: function () {
    document.documentElement.classList.add('print-full');
    window.dispatchEvent(new Event('beforeprint'));
  }};
})();
