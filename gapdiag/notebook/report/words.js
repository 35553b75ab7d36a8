/* Numbers and standing sentences in words, as gapdiag.model.labels.show and
   gapdiag.model.wording.standing_text say them (tests/test_report_words_js.py holds them
   equal under node). Read before page.js, which draws each rep's section with them. */
var gapdiagWords = (function () {
  'use strict';
  /* Python's format(x, '.Nf'): toFixed rounds an exact tie away from zero, Python to even. */
  function fixed(x, places) {
    var text = x.toFixed(places);
    if (Number.isInteger(x * Math.pow(2, places + 1))) {  /* at most places+1 decimals */
      var longer = x.toFixed(places + 1);
      if (longer.charAt(longer.length - 1) === '5') {
        var cut = longer.slice(0, places ? -1 : -2);
        var last = cut.charAt(cut.length - 1);
        if ('02468'.indexOf(last) >= 0) { text = cut; }
      }
    }
    return text;
  }
  /* gapdiag.model.labels._trim: thousands commas, trailing zeros cut, never '-0'. */
  function trim(x, places) {
    var text = fixed(x, places), sign = '';
    if (text.charAt(0) === '-') { sign = '-'; text = text.slice(1); }
    var dot = text.indexOf('.');
    var whole = dot < 0 ? text : text.slice(0, dot), rest = dot < 0 ? '' : text.slice(dot);
    text = sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + rest;
    if (dot >= 0) { text = text.replace(/0+$/, '').replace(/\.$/, ''); }
    return text === '-0' ? '0' : text;
  }
  /* show('pipeline.quota', abs(v)): whole dollars. */
  function money(v) { return '$' + trim(Math.abs(v), 0); }
  /* percent(v): one decimal, more where a share short of 100% (or above 0%) would read so. */
  function percent(v) {
    var places = 1, text = trim(v * 100, 1);
    while (v !== 0 && v !== 1 && (text === '0' || text === '100') && places < 7) {
      places += 1;
      text = trim(v * 100, places);
    }
    return text + '%';
  }
  /* show('derived.coverage', v): two decimals at most, one at least, then the times sign. */
  function times(v) {
    var text = trim(v, 2);
    return (text.indexOf('.') < 0 ? text + '.0' : text) + '\u00d7';
  }
  function gone(g) {
    if (!g) { return ''; }
    if (g === 1) { return ', with the period over'; }
    return ', ' + g[0] + ' of ' + g[1] + ' working days into the period';
  }
  function pipeline(s) {
    var needed = s[5] === null ? 0 : s[5], after = s[6] ? ' after commit' : '';
    var pipe = money(s[7] || 0), made = s[8], cover = s[9], wanted = s[10];
    if (made !== null) {
      return pipe + ' of open pipeline should bring in about ' + money(made) +
        " at the rep's win rate, " + (made >= needed ? 'enough for' : 'short of') + ' the ' +
        money(needed) + ' still needed' + after;
    }
    return pipe + ' of open pipeline is ' + (cover === null ? 'unknown' : times(cover)) +
      ' the ' + money(needed) + ' still needed' + after + ', where ' +
      (wanted ? times(wanted) : 'unknown') + ' is needed';
  }
  /* standing_text from gapdiag.notebook.report._standing.standing_said's figures. */
  function standing(word, s) {
    var quota = s[1], won = s[2], went = gone(s[4]);
    var closed = 'closed ' + money(won) + ' of the ' + money(quota) + ' quota (' +
      percent(s[3] || 0) + ')';
    switch (s[0]) {
      case 'q': return word + ': ' + closed + ', ' + money(won - quota) + ' over quota' + went + '.';
      case 'e': return word + ': ' + closed + ' with the period over, ' + money(quota - won) + ' short.';
      case 'p':
        var diff = won - s[5], said = money(diff);
        var where = said !== '$0' ? said + ' ' + (diff >= 0 ? 'ahead of' : 'short of') + ' it' : 'right on it';
        return word + ': ' + closed + went + '; the pace calls for ' + money(s[5]) + ' by now, so ' + where + '.';
      case 'c': return word + ': ' + closed + ', and the ' + money(s[5]) + ' committed reaches quota' + went + '.';
      default: return word + ': ' + closed + went + '; ' + pipeline(s) + '.';
    }
  }
  return {trim: trim, money: money, percent: percent, times: times, standing: standing};
})();
