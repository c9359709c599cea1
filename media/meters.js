// The Meters view's page: bars from -60 to 0 dBFS (below -60 reads -∞, as the core's 'silent'); the hold mark keeps the highest peak for
// 1.5 s; a clip light (peak at or above 0 dBFS) stays lit until clicked.
(function () {
  const vscode = acquireVsCodeApi();

  // Ctrl+. (Cmd+.) hushes from this page too, as from anywhere in a SuperCollider window.
  window.addEventListener('keydown', (event) => {
    if (event.key === '.' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) vscode.postMessage({ type: 'hush' });
  });
  const FLOOR_DB = -60;
  const HOLD_MS = 1500;
  const container = document.getElementById('meters');
  const empty = document.getElementById('empty');
  const rows = new Map();

  const db = (amp) => (amp > 0 ? 20 * Math.log10(amp) : -Infinity);
  const percent = (amp) => Math.max(0, Math.min(100, ((db(amp) - FLOOR_DB) / -FLOOR_DB) * 100));

  function rowFor(level, index) {
    const key = level.kind + level.channel;
    let row = rows.get(key);
    if (row) return row;
    const el = document.createElement('div');
    el.className = 'row' + (level.kind === 'in' && level.channel === 1 && index > 0 ? ' divider' : '');
    el.setAttribute('role', 'listitem');
    el.innerHTML = '<span class="name"></span><div class="bar"><div class="peak"></div><div class="rms"></div><div class="hold"></div></div><span class="db"></span><button class="clip" title="Clipped: click to clear" aria-label="clip indicator"></button>';
    el.querySelector('.name').textContent = level.kind + ' ' + level.channel;
    const clip = el.querySelector('.clip');
    clip.addEventListener('click', () => clip.classList.remove('lit'));
    container.appendChild(el);
    row = { el, bar: el.querySelector('.bar'), peak: el.querySelector('.peak'), rms: el.querySelector('.rms'), hold: el.querySelector('.hold'), db: el.querySelector('.db'), clip, held: 0, heldAt: 0 };
    rows.set(key, row);
    return row;
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type !== 'levels') return;
    empty.style.display = message.running ? 'none' : '';
    container.style.display = message.running ? '' : 'none';
    const now = performance.now();
    message.levels.forEach((level, index) => {
      const row = rowFor(level, index);
      if (level.peak >= row.held || now - row.heldAt > HOLD_MS) {
        row.held = level.peak;
        row.heldAt = now;
      }
      row.peak.style.width = percent(level.peak) + '%';
      row.rms.style.width = percent(level.rms) + '%';
      row.hold.style.left = 'calc(' + percent(row.held) + '% - 2px)';
      row.bar.classList.toggle('hot', db(level.peak) > -6);
      const peakDb = db(level.peak);
      // Below the floor the bar is empty: the text says so too, not "-263.2" (a muted peak falling).
      row.db.textContent = peakDb >= FLOOR_DB ? peakDb.toFixed(1) : '-∞';
      if (peakDb >= 0) row.clip.classList.add('lit');
      row.el.setAttribute('aria-label', level.text);
      row.el.title = level.text;
    });
  });
})();
