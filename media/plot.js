// The Plot's page: draws the values sclang's .plot sent, one lane per channel, in the theme's
// colours, with the value range at the lane's edges; redraws when resized; tells the
// extension how much of the canvas it drew (what a musician sees, for the tests).
(function () {
  const vscode = acquireVsCodeApi();

  // Ctrl+. (Cmd+.) hushes from this page too, as from anywhere in a SuperCollider window.
  window.addEventListener('keydown', (event) => {
    if (event.key === '.' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) vscode.postMessage({ type: 'hush' });
  });
  const canvas = document.getElementById('plot');
  const ctx = canvas.getContext('2d');
  const style = getComputedStyle(document.body);
  const colour = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  let colours;
  let grid;
  let text;
  /** The theme's colours, read again when the theme changes (VS Code changes the body's class). */
  function readTheme() {
    colours = [colour('--vscode-charts-blue', '#75beff'), colour('--vscode-charts-green', '#89d185'), colour('--vscode-charts-orange', '#d18616'), colour('--vscode-charts-purple', '#b180d7')];
    grid = colour('--vscode-widget-border', '#444');
    text = colour('--vscode-descriptionForeground', '#999');
  }
  readTheme();
  let shown;

  const round = (v) => Number(v.toPrecision(4)).toString();

  function draw() {
    if (!shown) return;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(width * ratio));
    canvas.height = Math.max(1, Math.round(height * ratio));
    const w = canvas.width;
    const h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const lanes = shown.channels.length || 1;
    const lane = h / lanes;
    const pad = 6 * ratio;
    const { low, high } = shown;
    ctx.font = `${11 * ratio}px ${style.getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
    shown.channels.forEach((values, c) => {
      const top = lane * c + pad;
      const bottom = lane * (c + 1) - pad;
      const y = (v) => bottom - ((Math.max(low, Math.min(high, v)) - low) / (high - low)) * (bottom - top);
      ctx.strokeStyle = grid;
      ctx.lineWidth = 1;
      ctx.beginPath();
      const zero = low < 0 && high > 0 ? y(0) : bottom;
      ctx.moveTo(0, zero);
      ctx.lineTo(w, zero);
      ctx.stroke();
      ctx.fillStyle = text;
      ctx.fillText(round(high), 2 * ratio, top + 10 * ratio);
      ctx.fillText(round(low), 2 * ratio, bottom - 2 * ratio);
      ctx.strokeStyle = colours[c % colours.length];
      // Two pixels: every column holds at least one pixel fully in the line's colour.
      ctx.lineWidth = 2 * ratio;
      ctx.beginPath();
      let drawing = false;
      values.forEach((v, i) => {
        if (v === null) {
          drawing = false;
          return;
        }
        const x = values.length > 1 ? (i / (values.length - 1)) * w : w / 2;
        if (drawing) ctx.lineTo(x, y(v));
        else ctx.moveTo(x, y(v));
        drawing = true;
      });
      if (values.length === 1) ctx.lineTo(w, y(values[0]));
      ctx.stroke();
    });
    report();
  }

  /** [r, g, b] of a CSS colour, as the canvas reads it back. */
  function rgb(css) {
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    const hex = /^#([0-9a-f]{6})$/i.exec(ctx.fillStyle);
    if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16));
    const parts = /(\d+),\s*(\d+),\s*(\d+)/.exec(ctx.fillStyle);
    return parts ? parts.slice(1, 4).map(Number) : [0, 0, 0];
  }

  /** Columns of the canvas where the first channel's line is drawn (its colour, not the grid or the labels). */
  function report() {
    const [r, g, b] = rgb(colours[0]);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let columns = 0;
    for (let x = 0; x < canvas.width; x++) {
      for (let y = 0; y < canvas.height; y++) {
        const i = (y * canvas.width + x) * 4;
        if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 60) {
          columns++;
          break;
        }
      }
    }
    vscode.postMessage({ type: 'drawn', summary: shown.summary, columns, width: canvas.width });
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type !== 'plot') return;
    shown = message;
    document.getElementById('name').textContent = message.name;
    document.getElementById('summary').textContent = message.summary;
    canvas.setAttribute('aria-label', `Plot of ${message.summary}`);
    document.getElementById('start').textContent = message.domain ? `${round(message.domain[0])} ${message.domain[2]}` : '';
    document.getElementById('end').textContent = message.domain ? `${round(message.domain[1])} ${message.domain[2]}` : '';
    draw();
  });
  new ResizeObserver(() => draw()).observe(canvas);
  const themeChanged = new MutationObserver(() => {
    readTheme();
    draw();
  });
  for (const element of [document.documentElement, document.body]) themeChanged.observe(element, { attributes: true, attributeFilter: ['class', 'style'] });
})();
