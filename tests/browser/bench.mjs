// Browser benchmark of the built playground (run by `cargo xtask bench`, not by the tests):
// first paint, keystroke-to-updated-graph for a 200-state definition, and the engine loop
// and graph layout timed in wasm. Prints figures only.
import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path.endsWith('/') ? path + 'index.html' : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

for (const file of await readdir(dist)) {
  if (file.endsWith('.wasm')) {
    const bytes = await readFile(join(dist, file));
    // GNU gzip -9 when the machine has it (what `gzip -9` means), and Node's zlib at level 9.
    let gnu = 'no gzip here';
    try {
      gnu = `${execFileSync('gzip', ['-9c', join(dist, file)], { maxBuffer: 1 << 26 }).length} bytes gzip -9`;
    } catch {}
    console.log(`wasm bundle: ${bytes.length} bytes raw, ${gnu}, ${gzipSync(bytes, { level: 9 }).length} bytes zlib level 9`);
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const firstPaints = [];
for (let i = 0; i < 5; i++) {
  const started = Date.now();
  await page.goto(url + `?run=${i}`);
  await page.waitForSelector('g.node');
  firstPaints.push(Date.now() - started);
}
firstPaints.sort((a, b) => a - b);
console.log(`first graph on screen from localhost: median ${firstPaints[2]} ms (of ${firstPaints.join(', ')})`);

// Keystroke to updated graph: replace the definition with a 200-state one, then type into a
// Comment and time from the input event until the graph has been re-rendered.
const definition = await page.evaluate(() => window.wasmBindings.bench_definition(143));
// As a paste: one input event (typing it would make one per line).
await page.evaluate((text) => {
  const area = document.querySelector('textarea.definition');
  area.value = text;
  area.dispatchEvent(new Event('input', { bubbles: true }));
}, definition);
await page.waitForFunction(() => document.querySelectorAll('g.node').length > 150);
const nodes = await page.locator('g.node').count();
// Script time (JS + wasm) comes from a CPU profile of what `actions` does in the page: every
// sample except the browser's own rendering ("(program)"), idle time and garbage collection.
// Each action is timed from its input event until the frame that draws the graph it led
// to: the script time in that window is its latency; all script time, work deferred to
// idle time after the frame included, is its cost. A user's edits come seconds apart, so
// each action starts once the page is idle again.
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await page.evaluate(() => {
  // Frames until one draws the graph pane with the analysis of the latest text; that
  // frame's time.
  window.benchDrawn = async () => {
    for (;;) {
      const at = await new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      if (document.querySelector('.graph').getAttribute('aria-busy') === 'false') return at;
    }
  };
  window.benchIdle = () => new Promise((r) => requestIdleCallback(r, { timeout: 1000 }));
  // A busy stretch the profile can find, to match its clock with the page's.
  window.benchMark = function stepwiseBenchClockMark() {
    const start = performance.now();
    while (performance.now() - start < 5);
    return start;
  };
});
const notScript = ['(program)', '(idle)', '(garbage collector)', '(root)'];
const profiled = async (actions, arg) => {
  await cdp.send('Profiler.start');
  const { mark, windows } = await page.evaluate(async ([actions, arg]) => {
    const mark = window.benchMark();
    const windows = await eval(actions)(arg);
    await window.benchIdle();
    return { mark, windows };
  }, [actions.toString(), arg]);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let at = profile.startTime;
  const samples = profile.samples.map((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return { name: byId.get(id), at: at / 1000, took: (profile.timeDeltas[i + 1] ?? 0) / 1000 };
  });
  const first = samples.find((s) => s.name === 'stepwiseBenchClockMark');
  const offset = first ? first.at - mark : NaN;
  let total = 0;
  let latency = 0;
  for (const s of samples) {
    if (notScript.includes(s.name) || s.name === 'stepwiseBenchClockMark') continue;
    total += s.took;
    const t = s.at - offset;
    if (windows.some(([start, drawn]) => t >= start && t <= drawn)) latency += s.took;
  }
  if (process.env.STEPWISE_PROFILE_TOP) {
    const self = new Map();
    samples.forEach((s) => self.set(s.name, (self.get(s.name) ?? 0) + s.took));
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([f, ms]) => `${ms.toFixed(1)} ms ${f}`).join('\n'));
  }
  const walls = windows.map(([start, drawn]) => drawn - start).sort((a, b) => a - b);
  const count = windows.length;
  return { latency: latency / count, total: total / count, median: walls[count >> 1] };
};
const report = (what, r) =>
  console.log(`${what}: ${r.latency.toFixed(1)} ms script time until the graph is drawn again (${r.median.toFixed(1)} ms median wall time), ${r.total.toFixed(1)} ms script time in all`);

// Keystroke to updated graph: type into a Comment of the 200-state definition.
const keystroke = await profiled(async (keystrokes) => {
  const area = document.querySelector('textarea.definition');
  const windows = [];
  for (let i = 0; i < keystrokes; i++) {
    await window.benchIdle();
    area.value = i % 2 ? area.value.replace('"Comment": "x", ', '') : area.value.replace(/"StartAt"/, '"Comment": "x", "StartAt"');
    const started = performance.now();
    area.dispatchEvent(new Event('input', { bubbles: true }));
    windows.push([started, await window.benchDrawn()]);
  }
  return windows;
}, 20);
report(`keystroke, ${nodes} nodes`, keystroke);

// Graph edits in the page, as a user makes them: Delete on a focused state (what went to it
// goes to its successor), then Ctrl+Z on the graph, each an edit of the text that the
// editor, the problems, the graph and the form then show.
const deleted = await page.evaluate(() => [...document.querySelectorAll('g.node.type-Pass:not(.container), g.node.type-Task:not(.container)')][40].dataset.id);
const graphEdit = await profiled(async ([edits, deleted]) => {
  const windows = [];
  const key = (target, init) => target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, ...init }));
  for (let i = 0; i < edits; i++) {
    await window.benchIdle();
    const started = performance.now();
    if (i % 2) key(document.querySelector('.graph'), { key: 'z', ctrlKey: true });
    else key(document.querySelector(`g.node[data-id="${deleted}"]`), { key: 'Delete' });
    windows.push([started, await window.benchDrawn()]);
  }
  return windows;
}, [20, deleted]);
report(`graph edit in the page (Delete a state, then undo), ${nodes} nodes`, graphEdit);

// A graph edit on the same machine: the text edit (a rename, every reference following) and
// the analysis of the result, as one action of the design bar costs.
const edit = await page.evaluate((text) => {
  const times = [];
  for (let i = 0; i < 11; i++) {
    const started = performance.now();
    window.wasmBindings.bench_graph_edit(text);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[5];
}, definition);
console.log(`graph edit (rename with every reference, then analysis), ${nodes} nodes: ${edit.toFixed(1)} ms median`);

const loop = await page.evaluate(() => {
  const best = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const transitions = window.wasmBindings.bench_counter_loop();
    best.push([performance.now() - started, transitions]);
  }
  best.sort((a, b) => a[0] - b[0]);
  return best[0];
});
console.log(`wasm counter loop: ${loop[1]} transitions in ${loop[0].toFixed(1)} ms = ${(loop[1] / loop[0] / 1000).toFixed(2)} M transitions/s`);

const chaos = await page.evaluate(() => {
  const times = [];
  let rate = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    rate = window.wasmBindings.bench_chaos(1000);
    times.push(performance.now() - started);
  }
  return [Math.min(...times), rate];
});
console.log(`resilience lab, 1,000 runs of the Order Processing Workflow with faults, in wasm: ${chaos[0].toFixed(0)} ms (success rate ${(chaos[1] * 100).toFixed(1)}%)`);

// The endless loop at the default budget, full history, on a fresh page: the growth of the
// wasm memory is the run's peak (wasm memory never shrinks).
{
  const fresh = await browser.newPage();
  await fresh.goto(url + '?memory');
  await fresh.waitForSelector('g.node');
  const started = Date.now();
  const grown = await fresh.evaluate(() => window.wasmBindings.bench_endless_loop_memory());
  console.log(`endless loop at the default budget, full history, in wasm: ${(grown / 1e6).toFixed(1)} MB of wasm memory at its peak (${Date.now() - started} ms)`);
  await fresh.close();
}

for (const size of [36, 143, 430]) {
  const [ms, crossings] = await page.evaluate((size) => {
    let best = Infinity, crossings = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      crossings = window.wasmBindings.bench_layout(size);
      best = Math.min(best, performance.now() - started);
    }
    return [best, crossings];
  }, size);
  console.log(`wasm layout, generator size ${size} (parse + validate + layout): ${ms.toFixed(2)} ms, ${crossings} crossings`);
}
await browser.close();
server.close();
