(function () {
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  document.getElementById('expand-all') && document.getElementById('expand-all').addEventListener(
    'click', function () { all('#timeline details').forEach(function (d) { d.open = true; }); });
  document.getElementById('collapse-all') && document.getElementById('collapse-all').addEventListener(
    'click', function () { all('#timeline details').forEach(function (d) { d.open = false; }); });
  // Zoom: bars are placed by --l/--w (percent of the whole span); the axis shows --z0 .. --z0 + 100/--zk.
  var timeline = document.getElementById('timeline');
  var axis = timeline && timeline.querySelector('.axis');
  function fmt(seconds) {
    if (seconds < 1) { return Math.round(seconds * 1000) + 'ms'; }
    if (seconds < 60) { return seconds.toFixed(1) + 's'; }
    var whole = Math.round(seconds), d = Math.floor(whole / 86400), h = Math.floor(whole % 86400 / 3600);
    var m = Math.floor(whole % 3600 / 60), s = whole % 60;
    function two(n) { return (n < 10 ? '0' : '') + n; }
    if (d) { return d + 'd ' + h + 'h'; }
    if (h) { return h + 'h ' + two(m) + 'm'; }
    return m + 'm ' + two(s) + 's';
  }
  function zoom(from, to) {
    from = Math.max(0, from); to = Math.min(100, to);
    if (to - from < 0.0001) { to = Math.min(100, from + 0.0001); from = to - 0.0001; }
    timeline.style.setProperty('--z0', from);
    timeline.style.setProperty('--zk', 100 / (to - from));
    var whole = from <= 0 && to >= 100;
    timeline.classList.toggle('zoomed', !whole);
    var span = parseFloat(axis.getAttribute('data-span-seconds'));
    var ticks = axis.querySelectorAll('.tick:not(.now)');
    for (var i = 0; i < ticks.length; i++) {
      ticks[i].textContent = '+' + fmt(span * (from + (to - from) * i / (ticks.length - 1)) / 100);
    }
    document.getElementById('zoom-label').textContent = whole ? 'whole execution'
      : '+' + fmt(span * from / 100) + ' to +' + fmt(span * to / 100);
  }
  function extent(bars) {
    var lo = Infinity, hi = -Infinity;
    bars.forEach(function (bar) {
      var l = parseFloat(bar.style.getPropertyValue('--l'));
      var w = parseFloat(bar.style.getPropertyValue('--w'));
      lo = Math.min(lo, l); hi = Math.max(hi, l + w);
    });
    return lo <= hi ? [lo, hi] : null;
  }
  function zoomTo(bars) {
    var range = extent(bars);
    if (!range) { return; }
    var pad = Math.max((range[1] - range[0]) * 0.03, 0.00005);
    zoom(range[0] - pad, range[1] + pad);
  }
  if (timeline && axis) {
    document.getElementById('zoom-reset').addEventListener('click', function () { zoom(0, 100); });
    document.getElementById('zoom-activity').addEventListener('click', function () {
      zoomTo(all('#timeline .rows .bar:not(.open-bar)'));
    });
    timeline.addEventListener('dblclick', function (event) {
      var row = event.target.closest && event.target.closest('.row');
      if (!row) { return; }
      var op = row.parentNode;
      zoomTo(Array.prototype.slice.call(op.querySelectorAll('.bar')));
      if (window.getSelection) { window.getSelection().removeAllRanges(); }
    });
  }
  // Only what did not succeed: hide rows with data-problem="false" (a problem's parents are problems too).
  var only = document.getElementById('only-problems');
  if (only) {
    only.addEventListener('change', function () {
      timeline.classList.toggle('only-problems', only.checked);
    });
  }
  // Find: highlight rows whose name contains the text and unfold their parents.
  var find = document.getElementById('find');
  if (find) {
    find.addEventListener('input', function () {
      var text = find.value.trim().toLowerCase(), count = 0;
      all('#timeline .op').forEach(function (op) {
        var hit = text !== '' && op.getAttribute('data-name').toLowerCase().indexOf(text) !== -1;
        op.classList.toggle('match', hit);
        if (!hit) { return; }
        count += 1;
        for (var up = op.parentElement; up && up.id !== 'timeline'; up = up.parentElement) {
          if (up.tagName === 'DETAILS') { up.open = true; }
        }
      });
      document.getElementById('find-count').textContent = text === '' ? '' : count + ' found';
    });
  }
  all('button.copy').forEach(function (button) {
    button.addEventListener('click', function () {
      var pre = document.getElementById(button.getAttribute('data-target'));
      var text = pre.textContent;
      function done() { button.textContent = 'Copied'; }
      function select() {
        var range = document.createRange();
        range.selectNodeContents(pre);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { if (document.execCommand('copy')) { done(); return; } } catch (e) {}
        button.textContent = 'Selected: press Ctrl+C';
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, select);
      } else {
        select();
      }
    });
  });
})();
