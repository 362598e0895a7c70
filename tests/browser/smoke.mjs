// Smoke test of the built playground: serves dist/ on 127.0.0.1, loads it in the system
// Chromium, runs every example to the end, and saves screenshots of the main views.
import { createServer } from 'node:http';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
const shots = join(root, 'tests/browser/screenshots');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

// dist/ is served at the root and, as a static host would serve a copy, under a sub-path.
const subPath = '/docs/playground/';
const server = createServer(async (req, res) => {
  const requested = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const unprefixed = requested.startsWith(subPath) ? requested.slice(subPath.length - 1) : requested;
  const path = normalize(unprefixed).replace(/^(\.\.[/\\])+/, '');
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
// One context, so pages opened from a link share the saved workspace (localStorage).
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
// What the Content-Security-Policy refuses, in every page of the context.
await page.context().addInitScript(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
  });
});
const violations = [];
page.context().on('console', (m) => { if (m.text().startsWith('CSP violation')) violations.push(m.text()); });
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
const text = (selector) => page.locator(selector).first().textContent();

// The definition as the editor's text area holds it once the page has settled: after a
// change made elsewhere (a graph edit, an example, a restore), the text area is written once
// the frame that shows the change is drawn.
const editorText = async (p) => {
  await p.waitForFunction(() => document.querySelector('.graph')?.getAttribute('aria-busy') !== 'true');
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
  return p.locator('textarea.definition').inputValue();
};

await check('the playground loads with the default example drawn', async () => {
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector('g.node[data-id="ValidateOrder"]', { timeout: 15000 });
  console.log(`     first graph after ${Date.now() - started} ms`);
  if ((await text('.verdict')) !== 'valid') throw new Error(`verdict: ${await text('.verdict')}`);
  await page.screenshot({ path: join(shots, 'editor-and-graph.png') });
});

// Expected final status of each example, in gallery order.
const examples = await page.locator('select[aria-label="Examples"] option').evaluateAll((options) => options.slice(1).map((o) => [o.value, o.textContent]));
const expected = ['FAILED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'];
await check(`the gallery has ${expected.length} examples`, async () => {
  if (examples.length !== expected.length) throw new Error(`examples: ${examples.map((e) => e[1])}`);
});
for (const [i, [value, name]] of examples.entries()) {
  await check(`example "${name}" runs to ${expected[i]} and colours the visited states`, async () => {
    await page.selectOption('select[aria-label="Examples"]', value);
    await page.waitForSelector('g.node.type-terminal');
    await page.click('button.run');
    await page.waitForFunction((want) => document.querySelector('.run-status')?.textContent === want, expected[i], { timeout: 10000 });
    const visited = await page.locator('g.node.status-succeeded, g.node.status-failed, g.node.status-caught').count();
    if (visited === 0) throw new Error('no state is coloured as visited');
    // A machine loaded whole is shown whole, even one with the last one's state names.
    const outside = await page.evaluate(() => {
      const pane = document.querySelector('svg.state-graph').getBoundingClientRect();
      return [...document.querySelectorAll('g.node')].filter((n) => {
        const r = n.getBoundingClientRect();
        return r.left < pane.left - 1 || r.right > pane.right + 1 || r.top < pane.top - 1 || r.bottom > pane.bottom + 1;
      }).map((n) => n.dataset.id);
    });
    if (outside.length) throw new Error(`states outside the graph pane: ${outside.join(', ')}`);
    await page.screenshot({ path: join(shots, `example-${i}.png`) });
  });
}

// The page runs in the worker what the CLI runs natively: the same history, event by event.
const cli = join(root, 'target/debug/stepwise');
const cliHistory = (file, testCase) => {
  const examples = join(root, 'public/examples');
  const args = ['run', join(examples, `${file}.asl.json`), '--input-file', join(examples, `${file}.input.json`), '--json'];
  if (testCase) args.push('--mock-config', join(examples, `${file}.mocks.json`), '--test-case', testCase);
  const out = spawnSync(cli, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.stdout).history.map((e) => {
    const details = Object.entries(e).find(([k]) => k.endsWith('EventDetails'))?.[1] ?? {};
    return [e.type, details.name ?? '', e.timestamp.slice(11, 23)].join(' ');
  });
};
await check('the worker runs every example to the same history as the CLI', async () => {
  const options = await page.locator('select[aria-label="Examples"] option[data-file]').evaluateAll((all) => all.map((o) => [o.value, o.dataset.file, o.dataset.testCase]));
  for (const [value, file, testCase] of options) {
    await page.selectOption('select[aria-label="Examples"]', value);
    await page.click('button.run');
    await page.waitForFunction(() => ['SUCCEEDED', 'FAILED', 'WAITING'].includes(document.querySelector('.run-status')?.textContent), null, { timeout: 10000 });
    await page.click('button.tab:text-is("Events")');
    const rows = await page.locator('table.events tr.event').evaluateAll((all) => all.map((r) => {
      const cells = [...r.querySelectorAll('td')].map((c) => c.textContent);
      return [cells[1], cells[2], cells[3]].join(' ');
    }));
    const expected = cliHistory(file, testCase);
    const first = expected.findIndex((e, i) => e !== rows[i]);
    if (rows.length !== expected.length || first !== -1) {
      throw new Error(`${file}: event ${first + 1} is "${rows[first]}" in the page, "${expected[first]}" from the CLI (${rows.length} vs ${expected.length} events)`);
    }
  }
});

await check('the events table, the inspector and the cost tab show the run', async () => {
  await page.selectOption('select[aria-label="Examples"]', examples[0][0]);
  await page.click('button.run');
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'FAILED', null, { timeout: 10000 });
  await page.click('button.tab:text-is("Events")');
  const rows = await page.locator('table.events tr.event').count();
  if (rows < 10) throw new Error(`only ${rows} events`);
  await page.screenshot({ path: join(shots, 'events.png') });
  await page.click('g.node[data-id="UpdateInventory"]');
  const inspected = await text('.inspected');
  if (inspected !== 'UpdateInventory') throw new Error(`inspector shows ${inspected}`);
  const error = await page.locator('.json-block', { hasText: 'Error' }).first().textContent();
  if (!error.includes('States.Runtime')) throw new Error(`error block: ${error}`);
  await page.screenshot({ path: join(shots, 'inspector.png') });
  await page.click('button.tab:text-is("Cost")');
  if (!(await text('table.cost')).includes('State transitions')) throw new Error('no cost table');
});

await check('the Mocks tab runs every test case at once', async () => {
  await page.selectOption('select[aria-label="Examples"]', examples[1][0]);
  await page.click('button.tab:text-is("Mocks")');
  await page.click('button.run-test-cases');
  await page.waitForSelector('.test-case-results li', { timeout: 10000 });
  const results = await page.locator('.test-case-results li').allTextContents();
  if (results.length < 2 || !results.some((r) => r.includes('SUCCEEDED'))) throw new Error(`results: ${results}`);
  await page.screenshot({ path: join(shots, 'test-cases.png') });
});

await check('a distributed Map lists its child executions, each with its history', async () => {
  const distributed = examples.find((e) => e[1] === 'Distributed Map');
  await page.selectOption('select[aria-label="Examples"]', distributed[0]);
  await page.waitForSelector('g.node[data-id="ResizeImages"]');
  await page.click('button.run');
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'SUCCEEDED', null, { timeout: 10000 });
  await page.click('button.tab:text-is("Events")');
  const heading = await page.locator('h3', { hasText: 'child executions' }).textContent();
  if (!heading.includes('(3)')) throw new Error(`heading: ${heading}`);
  await page.locator('button.child').first().click();
  const history = await page.locator('pre.child-history').textContent();
  if (!history.includes('ExecutionSucceeded')) throw new Error('the child history is not shown');
  const progress = await page.locator('g.node[data-id="ResizeImages"] text.progress').textContent();
  if (progress !== '3/3') throw new Error(`container progress: ${progress}`);
  await page.screenshot({ path: join(shots, 'distributed-map.png') });
});

await check('a broken definition is underlined and listed, and the last graph stays', async () => {
  await page.locator('textarea.definition').fill('{\n  "StartAt": "Missing",\n  "States": {\n    "A": {"Type": "Pass", "End": true}\n  }\n}');
  await page.waitForSelector('.verdict.invalid');
  const where = await text('.problems li.error .where');
  const message = await text('.problems li.error .message');
  if (where !== '2:14' || !message.includes("Missing 'Next' target: Missing")) throw new Error(`diagnostic: ${where} ${message}`);
  if ((await page.locator('g.node').count()) === 0) throw new Error('the last good graph disappeared');
  await page.screenshot({ path: join(shots, 'broken-definition.png') });
});

await check('what was typed survives a reload', async () => {
  await page.reload();
  await page.waitForSelector('.verdict.invalid');
  const value = await editorText(page);
  if (!value.includes('"Missing"')) throw new Error('the edited definition was lost');
});

await check('a narrow window stacks the panes', async () => {
  await page.setViewportSize({ width: 760, height: 1000 });
  await page.screenshot({ path: join(shots, 'narrow.png') });
  const [editor, graph] = await Promise.all(['.editor-pane', '.graph-pane'].map((s) => page.locator(s).boundingBox()));
  if (!(graph.y > editor.y)) throw new Error('panes are not stacked');
});

await check('an embedded copy shows the graph and runs, without the editor', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.selectOption('select[aria-label="Examples"]', examples[1][0]);
  await page.click('button.embed');
  const code = await page.locator('input.embed-code').inputValue();
  const src = /src="([^"]+)"/.exec(code)?.[1];
  if (!src || !src.includes('?embed#w=')) throw new Error(`embed code: ${code}`);
  const embedded = await browser.newPage({ viewport: { width: 800, height: 520 } });
  embedded.on('pageerror', (e) => pageErrors.push(e.message));
  await embedded.goto(src);
  await embedded.waitForSelector('g.node[data-id="ParallelFulfillment"]');
  if (await embedded.locator('textarea.definition').count()) throw new Error('the editor is shown');
  await embedded.click('button.run');
  await embedded.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'SUCCEEDED', null, { timeout: 10000 });
  await embedded.screenshot({ path: join(shots, 'embedded.png') });
  await embedded.close();
});

// The engine runs in a Web Worker: the page answers while a run computes.
const loop = JSON.stringify({
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Next: 'B' },
    B: { Type: 'Choice', Choices: [{ Variable: '$.done', IsPresent: true, Next: 'C' }], Default: 'A' },
    C: { Type: 'Succeed' },
  },
}, null, 2);
const frameDelays = () => page.evaluate(() => new Promise((done) => {
  // Timer delays while the run computes: a blocked page would hold them back.
  const delays = [];
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    delays.push(now - last);
    last = now;
    if (delays.length < 20) setTimeout(tick, 10); else done(Math.max(...delays));
  };
  setTimeout(tick, 10);
}));

await check('an endless loop ends at the simulator\'s budget while the page keeps answering', async () => {
  await page.selectOption('select[aria-label="Workflow type"]', 'EXPRESS');
  await page.locator('textarea.definition').fill(loop);
  await page.waitForSelector('.verdict.valid');
  const started = Date.now();
  await page.click('button.run');
  const worst = await frameDelays();
  await page.waitForFunction(() => document.querySelector('.run-error')?.textContent === 'Stepwise.TransitionBudgetExceeded', null, { timeout: 30000 });
  console.log(`     budget reached after ${Date.now() - started} ms; slowest timer while running: ${worst.toFixed(0)} ms`);
  if (worst > 100) throw new Error(`the page was blocked for ${worst} ms`);
  const cause = await page.locator('.run-error').getAttribute('title');
  if (!cause.includes('--max-transitions')) throw new Error(`cause: ${cause}`);
  await page.screenshot({ path: join(shots, 'budget.png') });
});

await check('Stop ends a run that would take long, and the next run works', async () => {
  await page.locator('input[aria-label="Max transitions"]').fill('1000000000');
  await page.locator('input[aria-label="Max transitions"]').dispatchEvent('change');
  await page.click('button.run');
  await page.waitForSelector('button.stop', { timeout: 5000 });
  await page.locator('textarea.definition').press('End');
  await page.keyboard.type(' ');
  if (!(await editorText(page)).endsWith(' ')) throw new Error('typing did not reach the editor during the run');
  await page.click('button.stop');
  await page.waitForSelector('.engine-notice');
  if ((await text('.run-status')) !== 'Not run yet') throw new Error(`status after Stop: ${await text('.run-status')}`);
  await page.locator('input[aria-label="Max transitions"]').fill('100000');
  await page.locator('input[aria-label="Max transitions"]').dispatchEvent('change');
  await page.selectOption('select[aria-label="Workflow type"]', 'STANDARD');
  await page.selectOption('select[aria-label="Examples"]', examples[1][0]);
  await page.click('button.run');
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'SUCCEEDED', null, { timeout: 10000 });
});

await check('a damaged share link says why and leaves the saved workspace as it was', async () => {
  const saved = await editorText(page);
  const other = await page.context().newPage();
  other.on('pageerror', (e) => pageErrors.push(e.message));
  await other.goto(`${url}#w=this-is-not-a-share-link`);
  await other.waitForSelector('.link-notice.broken');
  const notice = await other.locator('.link-notice').textContent();
  if (!notice.includes('cannot be opened')) throw new Error(`notice: ${notice}`);
  if ((await editorText(other)) !== saved) throw new Error('the saved workspace was not shown');
  await other.screenshot({ path: join(shots, 'broken-link.png') });
  await other.close();
});

await check('a share link never destroys the saved workspace: it can be restored', async () => {
  const saved = await editorText(page);
  await page.selectOption('select[aria-label="Examples"]', examples[3][0]);
  await page.click('button.share');
  const link = page.url();
  // Back to the user's own work, saved as they type.
  await page.locator('textarea.definition').fill(saved);
  await page.waitForTimeout(400);
  const other = await page.context().newPage();
  other.on('pageerror', (e) => pageErrors.push(e.message));
  await other.goto(link);
  await other.waitForSelector('button.restore-previous');
  if ((await editorText(other)) === saved) throw new Error('the shared workspace was not shown');
  await other.click('button.restore-previous');
  if ((await editorText(other)) !== saved) throw new Error('the previous workspace was not restored');
  await other.close();
});

await check('names, errors and causes are shown as text, never as HTML', async () => {
  const hostile = '<img src=x onerror="window.__injected=1">';
  await page.goto(url);
  await page.locator('textarea.definition').fill(JSON.stringify({
    StartAt: hostile,
    States: { [hostile]: { Type: 'Fail', Error: hostile, Cause: `<script>window.__injected=2</script>` } },
  }));
  await page.waitForSelector('.verdict.valid');
  await page.click('button.run');
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'FAILED', null, { timeout: 10000 });
  await page.click('button.tab:text-is("Events")');
  const injected = await page.evaluate(() => window.__injected);
  const images = await page.locator('img').count();
  if (injected !== undefined || images !== 0) throw new Error(`markup ran: ${injected}, ${images} img elements`);
  if (!(await page.locator('.run-error').textContent()).includes('<img')) throw new Error('the error is not shown as text');
});

await check('a definition nested 100,000 levels deep gets a diagnostic, not a crash', async () => {
  await page.goto(url);
  await page.locator('textarea.definition').fill('['.repeat(100000) + ']'.repeat(100000));
  await page.waitForSelector('.verdict.invalid');
  const message = await text('.problems li.error .message');
  if (!message.includes('nested more than 128 levels')) throw new Error(`message: ${message}`);
});

await check('what is typed survives closing the page mid-edit', async () => {
  const editing = await page.context().newPage();
  await editing.goto(url);
  await editing.waitForSelector('textarea.definition');
  const marker = `typed just before closing ${Date.now()}`;
  await editing.locator('textarea.definition').fill(JSON.stringify({ Comment: marker, StartAt: 'A', States: { A: { Type: 'Succeed' } } }));
  await editing.close({ runBeforeUnload: true });
  const reopened = await page.context().newPage();
  await reopened.goto(url);
  await reopened.waitForSelector('textarea.definition');
  if (!(await editorText(reopened)).includes(marker)) throw new Error('the last edit was lost');
  await reopened.close();
});

await check('the data-flow inspector shows each stage of a visit, and "Test this state" answers as TestState', async () => {
  await page.selectOption('select[aria-label="Examples"]', examples[0][0]);
  await page.click('button.run');
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'FAILED', null, { timeout: 10000 });
  await page.click('g.node[data-id="ValidateOrder"]');
  await page.waitForSelector('ol.stages .stage');
  const stages = await page.locator('ol.stages .stage-name').allTextContents();
  const expected = ['Input', 'After InputPath', 'After Parameters', 'Result', 'After ResultSelector', 'After ResultPath', 'Output', 'Variables after the state'];
  if (stages.join('|') !== expected.join('|')) throw new Error(`stages: ${stages.join(', ')}`);
  await page.locator('ol.stages .stage', { hasText: 'After ResultPath' }).click();
  const changed = await page.locator('.stage-json .line.changed').allTextContents();
  if (!changed.length || !changed[0].includes('"validation"')) throw new Error(`changed lines: ${changed.join(' / ')}`);
  await page.screenshot({ path: join(shots, 'data-flow.png') });
  // The state alone, failing with an error its Retry takes: RETRIABLE, with the backoff.
  await page.locator('.mock-choice label', { hasText: 'Error' }).click();
  await page.fill('input[aria-label="Mocked error"]', 'Lambda.ServiceException');
  await page.click('button.test-button');
  await page.waitForSelector('.test-answer .status-badge');
  const status = await text('.test-answer .status-badge');
  if (status !== 'RETRIABLE') throw new Error(`status ${status}`);
  const details = await page.locator('.test-answer .json-block', { hasText: 'errorDetails' }).textContent();
  if (!details.includes('retryBackoffIntervalSeconds')) throw new Error(`errorDetails: ${details}`);
  await page.locator('section.test-state').screenshot({ path: join(shots, 'test-state.png') });
});

await check('the resilience lab runs 1,000 faulty runs in the worker, shows the weak states, and its suggested Retry improves the rate', async () => {
  await page.selectOption('select[aria-label="Examples"]', examples[1][0]);
  await page.click('button.tab:has-text("Resilience")');
  await page.fill('textarea[aria-label="Fault profile"]', '{"faults": {"*": {"transient": 0.05}}}');
  const started = Date.now();
  await page.click('button.lab-run');
  await page.waitForSelector('.lab-verdict', { timeout: 30000 });
  const elapsed = Date.now() - started;
  const before = await text('.lab-verdict');
  const rate = (t) => Number(/\(([\d.]+)%\)/.exec(t)?.[1]);
  if (!(rate(before) < 95)) throw new Error(`verdict: ${before}`);
  const weak = await page.locator('g.node.weak').evaluateAll((nodes) => nodes.map((n) => n.dataset.id));
  if (!weak.includes('UpdateInventory') || !weak.includes('SendConfirmation')) throw new Error(`weak states: ${weak.join(', ')}`);
  const bars = await page.locator('svg.survival rect.bar').count();
  if (bars < 4) throw new Error(`${bars} survival bars`);
  await page.screenshot({ path: join(shots, 'resilience.png') });
  console.log(`     1,000 runs in the browser: ${elapsed} ms from the click to the report`);
  // Apply the first suggested Retry: the text changes, stays valid, and the lab runs again.
  const suggestion = await page.locator('ul.suggestions li').first().textContent();
  await page.locator('ul.suggestions button.apply').first().click();
  await page.waitForFunction((previous) => {
    const verdict = document.querySelector('.lab-verdict')?.textContent;
    return verdict && verdict !== previous;
  }, before, { timeout: 30000 });
  const after = await text('.lab-verdict');
  if (!(rate(after) > rate(before))) throw new Error(`applying "${suggestion}" gave ${after} after ${before}`);
  if ((await text('.verdict')) !== 'valid') throw new Error('the edited definition is not valid');
  // A failed run opens as an ordinary trace on the graph.
  await page.locator('button.failed-run').first().click();
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'FAILED', null, { timeout: 10000 });
  await page.screenshot({ path: join(shots, 'resilience-run.png') });
});

await check('the site works from a sub-path of a static host, its engine worker included', async () => {
  const hosted = await page.context().newPage();
  hosted.on('pageerror', (e) => pageErrors.push(e.message));
  await hosted.goto(`${url}${subPath.slice(1)}`);
  await hosted.selectOption('select[aria-label="Examples"]', examples[1][0]);
  await hosted.click('button.run');
  await hosted.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'SUCCEEDED', null, { timeout: 10000 });
  await hosted.close();
});

await check('a pasted SAM template imports its state machine, a YAML file opens, and the machine downloads as a template', async () => {
  await page.selectOption('select[aria-label="Examples"]', examples[1][0]);
  const sam = [
    'Transform: AWS::Serverless-2016-10-31',
    'Resources:',
    '  Validate:',
    '    Type: AWS::Serverless::Function',
    '  Orders:',
    '    Type: AWS::Serverless::StateMachine',
    '    Properties:',
    '      Type: EXPRESS',
    '      Definition:',
    '        StartAt: Check',
    '        States:',
    '          Check:',
    '            Type: Task',
    '            Resource: arn:aws:states:::lambda:invoke',
    '            Parameters: {FunctionName: "${ValidateArn}", Payload.$: $}',
    '            End: true',
    '      DefinitionSubstitutions:',
    '        ValidateArn: !GetAtt Validate.Arn',
  ].join('\n');
  await page.locator('textarea.definition').fill(sam);
  await page.waitForSelector('.template-banner');
  await page.click('button.import-template');
  await page.waitForSelector('g.node[data-id="Check"]');
  const value = await page.locator('input[aria-label="Value of ValidateArn"]').inputValue().catch(async () => {
    await page.click('button.tab:has-text("Input")');
    return page.locator('input[aria-label="Value of ValidateArn"]').inputValue();
  });
  if (value !== 'arn:aws:lambda:us-east-1:123456789012:function:Validate') throw new Error(`substitution: ${value}`);
  if ((await page.locator('select[aria-label="Workflow type"]').inputValue()) !== 'EXPRESS') throw new Error('the template\'s type was not taken');
  if ((await text('.verdict')) !== 'valid') throw new Error('the imported definition is not valid');
  await page.click('button.run');
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'SUCCEEDED', null, { timeout: 10000 });
  // Download it as SAM: the file is a template that imports back.
  const [download] = await Promise.all([page.waitForEvent('download'), page.selectOption('select.download', 'sam')]);
  const exported = await readFile(await download.path(), 'utf8');
  if (!exported.includes('AWS::Serverless::StateMachine') || !exported.includes('AutoPublishAlias: live')) throw new Error(`downloaded: ${exported.slice(0, 300)}`);
  // Open a YAML definition from disk.
  const yamlFile = join(shots, 'opened.asl.yaml');
  await writeFile(yamlFile, 'StartAt: Hello\nStates:\n  Hello:\n    Type: Pass\n    End: true\n');
  await page.setInputFiles('input[aria-label="Open a file"]', yamlFile);
  await page.waitForSelector('g.node[data-id="Hello"]');
  await page.screenshot({ path: join(shots, 'opened-yaml.png') });
});

await check('the first three states of the Order Processing Workflow are built on the graph, run, undone and redone', async () => {
  await page.selectOption('select[aria-label="Examples"]', examples[1][0]);
  const empty = '{\n  "StartAt": "",\n  "States": {}\n}';
  await page.locator('textarea.definition').fill(empty);
  const definition = () => editorText(page);
  // Where a transition's middle is on the page.
  const edgeMiddle = (from, to) => page.evaluate(([from, to]) => {
    const line = document.querySelector(`g.edge[data-from="${from}"][data-to="${to}"] polyline.hit`);
    const p = line.getPointAtLength(line.getTotalLength() / 2);
    const m = line.getScreenCTM();
    return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
  }, [from, to]);
  // Drag a palette entry onto the graph (onto a transition, when given its middle).
  const drop = async (label, at) => {
    const graph = await page.locator('.graph').boundingBox();
    const targetPosition = at ? { x: at.x - graph.x, y: at.y - graph.y } : { x: graph.width / 2, y: graph.height - 20 };
    await page.dragAndDrop(`button.palette-entry:text-is("${label}")`, '.graph', { targetPosition });
  };
  const rename = async (name) => {
    const before = await definition();
    await page.click('button.rename-state');
    await page.fill('input.rename', name);
    await page.press('input.rename', 'Enter');
    await page.waitForFunction(([old, name]) => {
      const now = document.querySelector('textarea.definition').value;
      return now !== old && now.includes(`"${name}"`);
    }, [before, name]);
    await page.waitForSelector(`g.node[data-id="${name}"]`);
  };
  await drop('Task (Lambda invoke)');
  await rename('ValidateOrder');
  // Onto the way to End: after ValidateOrder.
  await drop('Task (Lambda invoke)', await edgeMiddle('ValidateOrder', 'root:end'));
  await rename('ProcessPayment');
  await drop('Choice', await edgeMiddle('ValidateOrder', 'ProcessPayment'));
  await rename('CheckValidation');
  // The form: ValidateOrder keeps its result in $.validation.
  await page.click('g.node[data-id="ValidateOrder"]');
  await page.fill('form.state-form input[aria-label="ResultPath"]', '$.validation');
  await page.press('form.state-form input[aria-label="ResultPath"]', 'Tab');
  await page.waitForFunction(() => document.querySelector('textarea.definition').value.includes('"ResultPath": "$.validation"'));
  const built = JSON.parse(await definition());
  if (built.StartAt !== 'ValidateOrder' || built.States.ValidateOrder.Next !== 'CheckValidation' || built.States.CheckValidation.Default !== 'ProcessPayment' || !built.States.ProcessPayment.End) {
    throw new Error(`built: ${JSON.stringify(built)}`);
  }
  if ((await text('.verdict')) !== 'valid') throw new Error('the built machine is not valid');
  await page.screenshot({ path: join(shots, 'designed.png') });
  await page.click('button.run');
  await page.waitForFunction(() => document.querySelector('.run-status')?.textContent === 'SUCCEEDED', null, { timeout: 10000 });
  const final = await definition();
  // Seven edits: undo them all, then redo them all (the keyboard works on the graph too).
  for (let i = 0; i < 7; i++) await page.click('button.undo');
  if ((await definition()) !== empty) throw new Error(`after undoing everything: ${await definition()}`);
  await page.focus('.graph');
  for (let i = 0; i < 7; i++) await page.keyboard.press('Control+Shift+Z');
  if ((await definition()) !== final) throw new Error(`after redoing everything: ${await definition()}`);
  // Keyboard: a node is focusable; Delete deletes it (what went to it goes to its successor),
  // F2 renames it.
  await page.focus('g.node[data-id="ValidateOrder"]');
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => JSON.parse(document.querySelector('textarea.definition').value).StartAt === 'CheckValidation');
  await page.waitForFunction(() => !document.querySelector('g.node[data-id="ValidateOrder"]'));
  await page.focus('g.node[data-id="ProcessPayment"]');
  await page.keyboard.press('F2');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Pay');
  await page.keyboard.press('Enter');
  await page.waitForSelector('g.node[data-id="Pay"]');
  const renamed = JSON.parse(await definition());
  if (renamed.States.CheckValidation.Default !== 'Pay') throw new Error(`after F2: ${JSON.stringify(renamed)}`);
  // Wrap Pay in a Parallel branch, then unwrap it: the same machine again.
  await page.click('g.node[data-id="Pay"]');
  await page.click('button.wrap-parallel');
  await page.waitForSelector('g.node[data-id="Pay group"]');
  const wrapped = JSON.parse(await definition());
  if (wrapped.States.CheckValidation.Default !== 'Pay group' || wrapped.States['Pay group'].Type !== 'Parallel') throw new Error(`wrapped: ${JSON.stringify(wrapped)}`);
  await page.screenshot({ path: join(shots, 'wrapped.png') });
  await page.click('button.unwrap');
  await page.waitForFunction(() => !document.querySelector('g.node[data-id="Pay group"]'));
  if (JSON.stringify(JSON.parse(await definition())) !== JSON.stringify(renamed)) throw new Error(`unwrapped: ${await definition()}`);
  // Drop a Fail on Pay (it goes after Pay), and a Pass on the transition between them.
  await page.fill('input.catch-error', 'PaymentDeclined');
  await page.press('input.catch-error', 'Tab');
  const middle = async (selector) => {
    const box = await page.locator(selector).first().boundingBox();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  await drop('Fail', await middle('g.node[data-id="Pay"] rect'));
  await page.waitForSelector('g.edge[data-from="Pay"][data-to="Fail"]', { state: 'attached' });
  await drop('Pass', await edgeMiddle('Pay', 'Fail'));
  await page.waitForSelector('g.edge[data-from="Pass"][data-to="Fail"]', { state: 'attached' });
  // Drag from a state's handles: the Choice gains a rule to Fail, Pay a Catch of the
  // chosen error.
  const dragLink = async (handle, to) => {
    const from = await middle(handle);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    const target = await middle(`g.node[data-id="${to}"] rect`);
    await page.mouse.move(target.x, target.y, { steps: 8 });
    if (!(await page.locator('line.linking').count())) throw new Error('no line follows the pointer while linking');
    await page.mouse.up();
  };
  await dragLink('g.node[data-id="CheckValidation"] circle.next-handle', 'Fail');
  await page.waitForSelector('g.edge[data-from="CheckValidation"][data-to="Fail"]', { state: 'attached' });
  await dragLink('g.node[data-id="Pay"] circle.catch-handle', 'Fail');
  await page.waitForSelector('g.edge.catch[data-from="Pay"][data-to="Fail"]', { state: 'attached' });
  const linked = JSON.parse(await definition());
  if (JSON.stringify(linked.States.Pay.Catch) !== JSON.stringify([{ ErrorEquals: ['PaymentDeclined'], Next: 'Fail' }])) throw new Error(`caught: ${JSON.stringify(linked.States.Pay)}`);
  if (linked.States.CheckValidation.Choices.at(-1).Next !== 'Fail') throw new Error(`choice: ${JSON.stringify(linked.States.CheckValidation)}`);
  await page.screenshot({ path: join(shots, 'linked.png') });
  // Pick Pay and Pass together: a Catch leaving them stops the wrap, with the reason; once
  // it is undone they wrap as one branch that goes on to Fail.
  const pickBoth = async () => {
    await page.click('g.node[data-id="Pay"]');
    await page.click('g.node[data-id="Pass"]', { modifiers: ['Shift'] });
    if ((await text('button.wrap-parallel')) !== 'Wrap 2 states in Parallel') throw new Error(`wrap button: ${await text('button.wrap-parallel')}`);
  };
  await pickBoth();
  await page.click('button.wrap-parallel');
  await page.waitForFunction(() => document.querySelector('.engine-notice')?.textContent.includes('by a rule or a Catch'));
  await page.click('button.undo');
  await page.waitForFunction(() => !document.querySelector('g.edge.catch[data-from="Pay"]'));
  await pickBoth();
  await page.click('button.wrap-parallel');
  await page.waitForSelector('g.node[data-id="Pay group"]');
  const grouped = JSON.parse(await definition());
  const group = grouped.States['Pay group'];
  if (group.Next !== 'Fail' || Object.keys(group.Branches[0].States).join() !== 'Pay,Pass' || group.Branches[0].States.Pass.End !== true) throw new Error(`grouped: ${JSON.stringify(grouped)}`);
  if ((await text('.verdict')) !== 'valid') throw new Error('the grouped machine is not valid');
  await page.screenshot({ path: join(shots, 'grouped.png') });
  // The form checks what is typed before it lands in the text: a rule going nowhere is
  // reported at once, and the text changes only when the field is left with valid JSON.
  await page.click('g.node[data-id="CheckValidation"]');
  const choices = 'form.state-form textarea[aria-label="Choices"]';
  const beforeTyping = await definition();
  await page.fill(choices, '[{"Variable": "$.x", "IsPresent": true, "Next": "Nowhere"}]');
  await page.waitForFunction(() => [...document.querySelectorAll('.form-findings li.error')].some((li) => li.textContent.includes('Nowhere')));
  if ((await definition()) !== beforeTyping) throw new Error('the text changed while the field was being typed');
  await page.screenshot({ path: join(shots, 'form-check.png') });
  await page.fill(choices, '[{"Variable": "$.x", "IsPresent": true, "Next": "Fail"}]');
  await page.press(choices, 'Tab');
  await page.waitForFunction(() => JSON.parse(document.querySelector('textarea.definition').value).States.CheckValidation.Choices.length === 1);
  if (await page.locator('.form-findings li.error').count()) throw new Error(`errors left: ${await text('.form-findings')}`);
  // A state dropped onto the empty graph is drawn at once, before it is connected (the
  // machine cannot run until it is), and an undo takes it away again.
  await drop('Wait');
  await page.waitForSelector('g.node.type-Wait');
  await page.waitForFunction(() => [...document.querySelectorAll('ul.diagnostics li')].some((li) => li.textContent.includes('is not reachable')));
  if ((await text('.verdict')) === 'valid') throw new Error('a machine with a state not connected is called valid');
  if (await page.locator('g.edge[data-to^="Wait"]').count()) throw new Error('something leads to the new state');
  await page.screenshot({ path: join(shots, 'unconnected.png') });
  await page.click("button.undo");
  await page.waitForSelector('g.node.type-Wait', { state: 'detached' });
});

await check('the documentation page embeds three runnable playgrounds that size themselves (served from a sub-path)', async () => {
  const docs = await context.newPage();
  docs.on('pageerror', (e) => pageErrors.push(`docs.html: ${e.message}`));
  await docs.goto(`${url}${subPath.slice(1)}docs.html`);
  await docs.waitForFunction(() => document.querySelectorAll('iframe[data-stepwise-frame]').length === 3, null, { timeout: 10000 });
  const expected = ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'];
  const frames = docs.locator('iframe[data-stepwise-frame]');
  for (let i = 0; i < 3; i++) {
    const handle = await frames.nth(i).elementHandle();
    await handle.scrollIntoViewIfNeeded();
    const frame = await handle.contentFrame();
    await frame.waitForSelector('g.node', { timeout: 15000 });
    // Clicked in the frame itself: the host page resizes the frames while they load, which
    // can move the button away from where a pointer click would land.
    await frame.locator('button.run').evaluate((button) => button.click());
    await frame.waitForFunction((status) => document.querySelector('.run-status')?.textContent === status, expected[i], { timeout: 10000 })
      .catch(async () => { throw new Error(`frame ${i}: the run shows ${JSON.stringify(await frame.locator('.run-status').first().textContent().catch(() => null))}, not ${expected[i]}`); });
    const open = await frame.getAttribute('a.open-full', 'href');
    if (!open.includes('#w=') || open.includes('embed')) throw new Error(`frame ${i}: open-full link ${open}`);
  }
  // The trace views fit their content: the host page resized them on the frames' word.
  await docs.waitForFunction(() => [...document.querySelectorAll('iframe[data-stepwise-frame]')].slice(0, 2).every((f) => f.style.height !== '480px'), null, { timeout: 5000 });
  await docs.screenshot({ path: join(shots, 'docs-page.png'), fullPage: true });
  await docs.close();
  // Without JavaScript the reader still sees every definition.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noScript = await plain.newPage();
  await noScript.goto(`${url}docs.html`);
  const visible = await noScript.locator('pre[data-stepwise]:visible').count();
  await plain.close();
  if (visible !== 3) throw new Error(`${visible} definitions visible without JavaScript`);
});

await check('the site runs under its Content-Security-Policy, with no inline script', async () => {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  if (!policy.includes("script-src 'self' 'wasm-unsafe-eval'")) throw new Error(`policy: ${policy}`);
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) throw new Error('index.html has an inline script');
  if (violations.length) throw new Error(violations.join('\n'));
});

await check('no uncaught errors on the page', async () => {
  if (pageErrors.length) throw new Error(pageErrors.join('\n'));
});

await browser.close();
server.close();
console.log(`screenshots in ${shots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
