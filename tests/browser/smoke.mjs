// Smoke test of the built playground: serves dist/ on 127.0.0.1, loads it in the system
// Chromium, checks what it renders, types a broken definition, and saves screenshots.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
const shots = join(root, 'tests/browser/screenshots');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  try {
    const file = join(dist, path.endsWith('/') ? path + 'index.html' : path);
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end('not found');
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
await mkdir(shots, { recursive: true });

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.message ?? e).split('\n').join('\n     ')}`);
  }
}

await check('the playground loads and lists the example states', async () => {
  await page.goto(url);
  await page.waitForSelector('ul.states li', { timeout: 15000 });
  const names = await page.locator('ul.states li .name').allTextContents();
  if (!names.includes('ValidateOrder') || !names.includes('OrderComplete')) throw new Error(`states: ${names}`);
  const status = await page.locator('.status').textContent();
  if (status !== 'valid') throw new Error(`status: ${status}`);
  await page.screenshot({ path: join(shots, 'valid.png'), fullPage: true });
});

await check('a broken definition shows its error with line and column', async () => {
  await page.locator('textarea.definition').fill('{\n  "StartAt": "Missing",\n  "States": {\n    "A": {"Type": "Pass", "End": true}\n  }\n}');
  await page.waitForSelector('.status.invalid');
  const where = await page.locator('ul.diagnostics li.error .where').first().textContent();
  const message = await page.locator('ul.diagnostics li.error .message').first().textContent();
  if (where !== '2:14' || !message.includes('StartAt')) throw new Error(`diagnostic: ${where} ${message}`);
  await page.screenshot({ path: join(shots, 'invalid.png'), fullPage: true });
});

await check('no uncaught errors on the page', async () => {
  if (pageErrors.length) throw new Error(pageErrors.join('\n'));
});

await browser.close();
server.close();
console.log(`screenshots in ${shots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
