import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { prepareHelpHtml } from '../../src/core/language/helpHtml';

const PAGE = `<!doctype html><html lang='en'><head><title>SinOsc | SuperCollider 3.13.0 Help</title>
<link rel='stylesheet' href='./../scdoc.css' type='text/css' />
<link rel='stylesheet' href='./../codemirror.css' type='text/css' />
<script src='./../lib/jquery.min.js'></script>
<script>
var helpRoot = './..';
</script>
<script src='qrc:///qtwebchannel/qwebchannel.js' type='text/javascript'></script>
</head>
<body onload='fixTOC()'>
<h1>SinOsc<span id='superclasses'> : <a href="../Classes/PureUGen.html">PureUGen</a></span></h1>
<img src='./../images/wave.png'>
<textarea class='editor'>{ SinOsc.ar(200, 0, 0.5) }.play;</textarea>
</body></html>`;

describe('prepareHelpHtml', () => {
  const html = prepareHelpHtml(PAGE, {
    resourceUri: (file) => `https://webview${file}`,
    resolve: (reference) => path.resolve('/help/Classes', reference),
    cspSource: 'https://webview',
    nonce: 'N0NCE',
    scriptUri: 'https://webview/media/help.js',
    styleUri: 'https://webview/media/help.css',
    anchor: '*ar',
  });

  it('drops SCDoc\'s scripts and inline handlers (Qt and CodeMirror do not run in a webview), keeps ours under a nonce', () => {
    assert.doesNotMatch(html, /jquery|qwebchannel|helpRoot|onload=/);
    assert.match(html, /<script nonce="N0NCE" src="https:\/\/webview\/media\/help.js" data-anchor="\*ar"><\/script>\s*<\/body>/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src https:\/\/webview 'unsafe-inline'; img-src https:\/\/webview data:; script-src 'nonce-N0NCE';"/);
  });

  it('loads scdoc.css and images from the help folder through the webview, not CodeMirror\'s css', () => {
    assert.match(html, /<link rel="stylesheet" href="https:\/\/webview\/help\/scdoc.css">/);
    assert.doesNotMatch(html, /codemirror\.css/);
    assert.match(html, /<img src='https:\/\/webview\/help\/images\/wave.png'>/);
  });

  it('keeps links as SCDoc wrote them (the page script sends them to the extension) and the code examples', () => {
    assert.match(html, /<a href="..\/Classes\/PureUGen.html">PureUGen<\/a>/);
    assert.match(html, /<textarea class='editor'>\{ SinOsc.ar\(200, 0, 0.5\) \}.play;<\/textarea>/);
  });
});
