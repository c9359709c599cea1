// The Scope view's page: draws the pictures the extension posts (wave, or spectrum on a
// logarithmic frequency axis from 20 Hz), a message's pictures one after the other, and sends
// the controls' settings back.
(function () {
  const vscode = acquireVsCodeApi();

  // Ctrl+. (Cmd+.) hushes from this page too, as from anywhere in a SuperCollider window.
  window.addEventListener('keydown', (event) => {
    if (event.key === '.' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) vscode.postMessage({ type: 'hush' });
  });
  const canvas = document.getElementById('scope');
  const summary = document.getElementById('summary');
  const ctx = canvas.getContext('2d');
  // The spectrum's axes on a canvas of their own under the picture: labels that read, and a picture that is only the signal.
  const axes = document.getElementById('scope-axes');
  const axesCtx = axes.getContext('2d');
  const style = getComputedStyle(document.body);
  const colours = [style.getPropertyValue('--vscode-charts-green') || '#89d185', style.getPropertyValue('--vscode-charts-blue') || '#75beff'];
  const grid = style.getPropertyValue('--vscode-widget-border') || '#444';
  const zoom = document.getElementById('zoom');

  const send = () => vscode.postMessage({
    type: 'settings',
    mode: document.getElementById('mode').value,
    bus: Math.max(0, Number(document.getElementById('bus').value) - 1),
    channels: Number(document.getElementById('channels').value),
    frames: Number(document.getElementById('frames').value),
  });
  for (const id of ['mode', 'bus', 'channels', 'frames']) document.getElementById(id).addEventListener('change', send);
  const mode = document.getElementById('mode');
  /** The mode the musician just chose, until its pictures arrive (those of the old mode may still be on their way). */
  let chosenMode;
  mode.addEventListener('change', () => (chosenMode = mode.value));
  // A page made anew (the view shown again) asks for the controls' current values.
  vscode.postMessage({ type: 'ready' });

  function fit() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = canvas.getBoundingClientRect();
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    if (axes.width !== canvas.width || axes.height !== canvas.height) {
      axes.width = canvas.width;
      axes.height = canvas.height;
      axesDrawn = '';
    }
  }

  /** What the axes canvas shows now ('' = nothing), so it is redrawn only when that changes. */
  let axesDrawn = '';

  function drawWave(channels) {
    const { width, height } = canvas;
    const gain = Number(zoom.value);
    const lane = height / channels.length;
    channels.forEach((samples, c) => {
      const mid = lane * c + lane / 2;
      ctx.strokeStyle = grid;
      ctx.beginPath();
      ctx.moveTo(0, mid);
      ctx.lineTo(width, mid);
      ctx.stroke();
      ctx.strokeStyle = colours[c % colours.length];
      ctx.beginPath();
      samples.forEach((v, i) => {
        const x = (i / (samples.length - 1)) * width;
        const y = mid - Math.max(-1, Math.min(1, v * gain)) * (lane / 2 - 2);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
    });
  }

  const labelColour = style.getPropertyValue('--vscode-descriptionForeground') || '#999';

  /** Grid lines with labels: Hz along the bottom (log), dB up the left, so the spectrum reads. */
  function drawSpectrumAxes(xOf, yOf, floor, key) {
    if (axesDrawn === key) return;
    axesDrawn = key;
    const ctx = axesCtx;
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const ratio = window.devicePixelRatio || 1;
    ctx.font = `${Math.round(10 * ratio)}px ${style.getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
    ctx.lineWidth = 1;
    ctx.fillStyle = labelColour;
    for (const hz of [50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]) {
      const x = xOf(hz);
      if (x < 0 || x > width) continue;
      ctx.strokeStyle = grid;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, height);
      ctx.stroke();
      ctx.fillText(hz >= 1000 ? `${hz / 1000}k` : String(hz), x + 2 * ratio, height - 3 * ratio);
    }
    const step = floor <= -60 ? 20 : floor <= -24 ? 10 : 5;
    for (let dB = 0; dB > floor; dB -= step) {
      const y = yOf(dB);
      ctx.strokeStyle = grid;
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(width, y);
      ctx.stroke();
      ctx.fillText(`${dB} dB`, 2 * ratio, y + 11 * ratio);
    }
  }

  function drawSpectrum(channels, binHz) {
    const { width, height } = canvas;
    const low = Math.log10(20);
    const high = Math.log10(binHz * channels[0].length);
    const floor = -100 / Number(zoom.value);
    drawSpectrumAxes((hz) => ((Math.log10(hz) - low) / (high - low)) * width, (dB) => height - ((dB - floor) / -floor) * height, floor, `${width}x${height} ${high} ${floor}`);
    channels.forEach((mags, c) => {
      ctx.strokeStyle = colours[c % colours.length];
      ctx.beginPath();
      for (let i = 1; i < mags.length; i++) {
        const x = ((Math.log10(i * binHz) - low) / (high - low)) * width;
        const y = height - ((Math.max(floor, mags[i]) - floor) / -floor) * height;
        if (i === 1) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    });
  }

  function draw(message, channels) {
    fit();
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (message.type === 'wave') {
      if (axesDrawn) axesCtx.clearRect(0, 0, axes.width, axes.height);
      axesDrawn = '';
      drawWave(channels);
    } else if (message.type === 'spectrum') drawSpectrum(channels, message.binHz);
  }

  /** The later pictures of the message being shown; a new message replaces them. */
  let later = [];
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'controls') {
      // The extension set them (sclang's s.scope / s.freqscope): the controls show what is drawn.
      mode.value = message.mode;
      document.getElementById('bus').value = String(message.bus + 1);
      document.getElementById('channels').value = String(message.channels);
      if (message.frames) document.getElementById('frames').value = String(message.frames);
      return;
    }
    if (message.type !== 'wave' && message.type !== 'spectrum') return;
    // The Mode control shows what is drawn, also when the extension changed it (s.freqscope).
    if (chosenMode === undefined || chosenMode === message.type) {
      chosenMode = undefined;
      mode.value = message.type;
    }
    for (const timer of later) clearTimeout(timer);
    later = message.pictures.slice(1).map((channels, i) => setTimeout(() => draw(message, channels), (i + 1) * message.intervalMs));
    draw(message, message.pictures[0]);
    summary.textContent = message.summary;
    canvas.setAttribute('aria-label', message.summary);
  });
})();
