// The help page's own script: links go through the extension (it renders the page), anchors
// scroll, and code examples run with Ctrl+Enter (the selection, the ( ) block around the cursor,
// else the line) and Shift+Enter (the line) through the extension's sclang, as in the editors.
(function () {
  const vscode = acquireVsCodeApi();

  // Ctrl+. (Cmd+.) hushes from this page too, as from anywhere in a SuperCollider window.
  window.addEventListener('keydown', (event) => {
    if (event.key === '.' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) vscode.postMessage({ type: 'hush' });
  });
  const me = document.currentScript;
  const anchor = me && me.dataset.anchor;

  const bar = document.createElement('div');
  bar.className = 'sclive-bar';
  bar.innerHTML = '<button id="sclive-back" title="Back (Alt+Left)">&larr;</button><button id="sclive-forward" title="Forward (Alt+Right)">&rarr;</button><button id="sclive-search" title="Search the help">Search…</button><span class="hint">Ctrl+Enter runs a block, Shift+Enter a line</span>';
  document.body.insertBefore(bar, document.body.firstChild);
  document.getElementById('sclive-back').addEventListener('click', () => vscode.postMessage({ type: 'back' }));
  document.getElementById('sclive-forward').addEventListener('click', () => vscode.postMessage({ type: 'forward' }));
  document.getElementById('sclive-search').addEventListener('click', () => vscode.postMessage({ type: 'search' }));

  function scrollTo(name) {
    if (!name) return;
    const target = document.getElementById(name) || document.getElementsByName(name)[0];
    if (target) target.scrollIntoView();
  }

  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href]');
    if (!link) return;
    const href = link.getAttribute('href');
    event.preventDefault();
    if (href.startsWith('#')) scrollTo(decodeURIComponent(href.slice(1)));
    else if (/^(https?|mailto):/i.test(href)) vscode.postMessage({ type: 'external', href });
    else vscode.postMessage({ type: 'open', href });
  });

  window.addEventListener('keydown', (event) => {
    if (event.altKey && event.key === 'ArrowLeft') vscode.postMessage({ type: 'back' });
    if (event.altKey && event.key === 'ArrowRight') vscode.postMessage({ type: 'forward' });
  });

  for (const area of document.querySelectorAll('textarea.editor')) {
    area.rows = Math.min(40, area.value.split('\n').length + 1);
    area.spellcheck = false;
    area.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey || event.shiftKey)) return;
      event.preventDefault();
      // The extension picks the code with the editors' own block finder (same rules as in a .scd).
      const { selectionStart: start, selectionEnd: end, value } = area;
      area.classList.add('evaluated');
      setTimeout(() => area.classList.remove('evaluated'), 200);
      vscode.postMessage({ type: 'evaluate', text: value, start, end, scope: event.shiftKey ? 'line' : 'block' });
    });
  }

  window.addEventListener('message', (event) => {
    if (event.data.type === 'history') {
      document.getElementById('sclive-back').disabled = !event.data.canGoBack;
      document.getElementById('sclive-forward').disabled = !event.data.canGoForward;
    }
  });
  scrollTo(anchor);
  vscode.postMessage({ type: 'shown', title: document.title, examples: document.querySelectorAll('textarea.editor').length });
})();
