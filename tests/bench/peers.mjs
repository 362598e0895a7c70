// Peer comparison for `cargo xtask bench` (after the Rust benchmarks have written their
// figures to target/bench/): dagre lays out the same graphs, aws-local-stepfunctions runs the
// same machines, and the jsonata package evaluates the same expressions. Prints ratios.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dagre from '@dagrejs/dagre';
import jsonata from 'jsonata';

if (!Promise.withResolvers) {
  // Node 20 lacks it; aws-local-stepfunctions uses it for Map.
  Promise.withResolvers = () => {
    let resolve, reject;
    const promise = new Promise((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}
const { StateMachine } = await import('aws-local-stepfunctions');

const benchDir = fileURLToPath(new URL('../../target/bench/', import.meta.url));
const read = async (name) => JSON.parse(await readFile(join(benchDir, name), 'utf8'));
const ratio = (ours, theirs) => `${(theirs / ours).toFixed(1)}x`;

// ---- Layout: dagre on the same graphs (same node sizes as our fixed-width estimate). ----
// dagre cannot draw edges to clusters, so nested scopes are flattened: a Parallel or Map node
// leads to the start of each of its scopes, whose ends lead on to where the state goes next.
function dagreGraph(definition) {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 56 });
  g.setDefaultEdgeLabel(() => ({}));
  let edge = 0;
  const width = (label) => Math.max(110, 7.2 * label.length + 36);
  function scope(asl, parent, prefix) {
    const start = `${prefix}:start`, end = `${prefix}:end`;
    for (const id of [start, end]) g.setNode(id, { width: 56, height: 26 });
    if (parent) g.setEdge(parent, start, {}, `e${edge++}`);
    g.setEdge(start, asl.StartAt, {}, `e${edge++}`);
    for (const [name, state] of Object.entries(asl.States)) {
      g.setNode(name, { width: width(name), height: 38, label: name });
      for (const [i, branch] of (state.Branches ?? []).entries()) scope(branch, name, `${name}/${i}`);
      if (state.ItemProcessor) scope(state.ItemProcessor, name, `${name}/processor`);
      const targets = [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)];
      for (const t of targets.filter(Boolean)) g.setEdge(name, t, { width: 60, height: 16, labelpos: 'c' }, `e${edge++}`);
      if (state.End || state.Type === 'Succeed' || state.Type === 'Fail') g.setEdge(name, end, {}, `e${edge++}`);
    }
  }
  scope(definition, undefined, 'root');
  return g;
}

// Proper crossings between edge polylines, counted the same way for both drawings.
function crossings(polylines) {
  const segments = [];
  polylines.forEach((points, e) => { for (let i = 1; i < points.length; i++) segments.push([e, points[i - 1], points[i]]); });
  const side = (a, b, c) => Math.sign((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const [e1, a, b] = segments[i];
    for (let j = i + 1; j < segments.length; j++) {
      const [e2, c, d] = segments[j];
      if (e1 === e2) continue;
      const s1 = side(a, b, c), s2 = side(a, b, d), s3 = side(c, d, a), s4 = side(c, d, b);
      if (s1 * s2 < 0 && s3 * s4 < 0) count++;
    }
  }
  return count;
}

const layoutFiles = (await readdir(benchDir)).filter((f) => f.startsWith('layout-')).sort((a, b) => parseInt(a.slice(7)) - parseInt(b.slice(7)));
for (const file of layoutFiles) {
  const ours = await read(file);
  const definition = JSON.parse(ours.definition);
  let best = Infinity, g;
  for (let i = 0; i < 3; i++) {
    g = dagreGraph(definition);
    const started = performance.now();
    dagre.layout(g);
    best = Math.min(best, performance.now() - started);
  }
  const theirs = crossings(g.edges().map((e) => g.edge(e).points ?? []));
  const mine = crossings(ours.layout.edges.map((e) => e.points));
  console.log(`layout ${ours.states} states: ours ${ours.milliseconds.toFixed(2)} ms, dagre ${best.toFixed(0)} ms (${ratio(ours.milliseconds, best)} faster); edge crossings ours ${mine}, dagre ${theirs}`);
}

// ---- Engine: aws-local-stepfunctions on the same machines. ----
const loop = {
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThan: 100000, Next: 'Increment' }], Default: 'Done' },
    Increment: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
    Done: { Type: 'Succeed' },
  },
};
const ourLoop = await read('engine-loop.json');
{
  const machine = new StateMachine(loop, { validationOptions: { checkPaths: false, checkArn: false } });
  const started = performance.now();
  await machine.run({ i: 0 }).result;
  const ms = performance.now() - started;
  const theirRate = ourLoop.transitions / ms;
  const ourRate = ourLoop.transitions / ourLoop.milliseconds;
  console.log(`counter loop (${ourLoop.transitions} transitions): ours ${(ourRate / 1000).toFixed(2)} M/s, aws-local-stepfunctions ${(theirRate * 1000 / 1e3).toFixed(0)} k/s (${ratio(1 / ourRate, 1 / theirRate)} faster)`);
}
const ourMap = await read('engine-map.json');
{
  const map = {
    StartAt: 'Each',
    States: { Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 10, ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:work', End: true } } }, End: true } },
  };
  const machine = new StateMachine(map, { validationOptions: { checkPaths: false, checkArn: false } });
  const items = Array.from({ length: 10000 }, (_, id) => ({ id }));
  const started = performance.now();
  await machine.run({ items }, { overrides: { taskResourceLocalHandlers: { Work: async () => ({ ok: true }) } } }).result;
  const ms = performance.now() - started;
  console.log(`inline Map, 10,000 mocked tasks: ours ${ourMap.milliseconds.toFixed(1)} ms, aws-local-stepfunctions ${ms.toFixed(0)} ms (${ratio(ourMap.milliseconds, ms)} faster)`);
}

// ---- JSONata: the reference package on the same document and expressions. ----
const bench = await read('jsonata.json');
let ourTotal = 0, theirTotal = 0;
for (const [i, expression] of bench.expressions.entries()) {
  const compiled = jsonata(expression);
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const started = performance.now();
    await compiled.evaluate(bench.document);
    best = Math.min(best, performance.now() - started);
  }
  ourTotal += bench.milliseconds[i];
  theirTotal += best;
  console.log(`jsonata ${expression.padEnd(64)} ours ${bench.milliseconds[i].toFixed(2)} ms, jsonata-js ${best.toFixed(2)} ms (${ratio(bench.milliseconds[i], best)})`);
}
console.log(`jsonata total: ours ${ourTotal.toFixed(1)} ms, jsonata-js ${theirTotal.toFixed(1)} ms (ours ${ratio(ourTotal, theirTotal)} as fast)`);
