// Stepwise embed: every <pre data-stepwise> holding an ASL definition becomes a live,
// runnable playground. Include once:  <script src="https://YOUR-HOST/PATH/embed.js" defer></script>
//
// Attributes (all optional): data-input (JSON), data-mocks (a MockConfigFile, JSON),
// data-test-case, data-type (STANDARD | EXPRESS), data-height (pixels; otherwise the frame
// sizes itself to its content), data-view (graph | trace | editor).
//
// Nothing of the host page is read beyond those elements; the only message accepted is the
// frame's size, and only from the playground's origin and from one of its own frames.
(() => {
  'use strict';
  const script = document.currentScript;
  if (!script || !script.src) return;
  const base = new URL('.', script.src);
  const frames = new Set();

  // The workspace as the playground's share links carry it: JSON, raw deflate, base64url.
  async function fragment(workspace) {
    const json = new TextEncoder().encode(JSON.stringify(workspace));
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const packed = new Uint8Array(await new Response(stream).arrayBuffer());
    let binary = '';
    for (const byte of packed) binary += String.fromCharCode(byte);
    return '#w=' + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function mount(pre) {
    const data = pre.dataset;
    const workspace = {
      definition: pre.textContent.trim(),
      input: data.input || '{}',
      mocks: data.mocks || '',
      test_case: data.testCase || '',
      substitutions: {},
      express: (data.type || '').toUpperCase() === 'EXPRESS',
    };
    const view = ['graph', 'trace', 'editor'].includes(data.view) ? data.view : 'trace';
    const frame = document.createElement('iframe');
    frame.src = `${new URL('index.html', base)}?embed&view=${view}${await fragment(workspace)}`;
    frame.title = 'Stepwise playground: ' + (pre.getAttribute('aria-label') || 'a state machine');
    frame.loading = 'lazy';
    frame.dataset.stepwiseFrame = '';
    frame.dataset.fixedHeight = data.height ? 'yes' : '';
    frame.style.cssText = `display:block;width:100%;border:1px solid #d5dbdb;border-radius:8px;height:${Number(data.height) || 480}px`;
    frames.add(frame);
    pre.replaceWith(frame);
  }

  window.addEventListener('message', (event) => {
    if (event.origin !== base.origin) return;
    const message = event.data;
    if (!message || message.type !== 'stepwise:size' || typeof message.height !== 'number') return;
    for (const frame of frames) {
      if (frame.contentWindow === event.source && !frame.dataset.fixedHeight) {
        frame.style.height = `${Math.min(Math.max(message.height, 200), 2000)}px`;
      }
    }
  });

  const start = () => document.querySelectorAll('pre[data-stepwise]').forEach(mount);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
