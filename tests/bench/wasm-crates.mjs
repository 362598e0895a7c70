// What each crate costs in the playground's wasm: code bytes per crate, from a release build
// that keeps its function names (the shipped build strips them). Usage:
//   node tests/bench/wasm-crates.mjs path/to/stepwise_web.wasm
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2]);
let at = 8;
const leb = () => {
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
};
const name = () => {
  const length = leb();
  const text = bytes.subarray(at, at + length).toString('utf8');
  at += length;
  return text;
};

let imported = 0;
const bodies = [];
const names = new Map();
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      name();
      name();
      const kind = bytes[at++];
      if (kind === 0) { leb(); imported++; }
      else if (kind === 1) { at++; const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 2) { const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 3) { at += 2; }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) {
      const length = leb();
      bodies.push(length);
      at += length;
    }
  } else if (id === 0 && name() === 'name') {
    while (at < end) {
      const sub = bytes[at++];
      const subSize = leb();
      const subEnd = at + subSize;
      if (sub === 1) {
        for (let n = leb(); n > 0; n--) {
          const index = leb();
          names.set(index, name());
        }
      }
      at = subEnd;
    }
  }
  at = end;
}
if (names.size === 0) throw new Error('the wasm has no name section: build it without stripping');

// `_ZN12jsonata_core4eval...` (legacy mangling): the first path segment is the crate.
function crateOf(symbol) {
  const legacy = /^_ZN(\d+)/.exec(symbol);
  if (legacy) {
    const length = Number(legacy[1]);
    const start = legacy.index + legacy[0].length;
    let crate = symbol.slice(start, start + length);
    // `<Type as Trait>::method`: the type's crate.
    const impl = /^_\$LT\$([a-z_][a-z0-9_]*)\.\./.exec(crate);
    if (impl) crate = impl[1];
    // Generic code is instantiated in core/alloc for other crates' types: name the type's crate.
    if (['core', 'alloc', 'std'].includes(crate)) {
      const inner = /\$LT\$([a-z_][a-z0-9_]*)\.\.|_LT_([a-z_][a-z0-9_]*)\.\./.exec(symbol);
      if (inner) return inner[1] ?? inner[2];
    }
    return crate;
  }
  // v0 mangling (`_R...C<hash>_<len><crate>...`): the first crate root named.
  const v0 = /^_R.*?C(?:s[0-9a-zA-Z]*_)?(\d+)([a-z_][a-z0-9_]*)/.exec(symbol);
  if (v0) return v0[2].slice(0, Number(v0[1]));
  const readable = /^<?([a-z_][a-z0-9_]*)::/.exec(symbol);
  return readable ? readable[1] : '(other)';
}

const byCrate = new Map();
let total = 0;
bodies.forEach((length, i) => {
  const crate = crateOf(names.get(imported + i) ?? '');
  byCrate.set(crate, (byCrate.get(crate) ?? 0) + length);
  total += length;
});
console.log(`code section: ${(total / 1024).toFixed(0)} KiB in ${bodies.length} functions`);
for (const [crate, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) {
  console.log(`  ${crate.padEnd(28)} ${(size / 1024).toFixed(1).padStart(8)} KiB  ${((100 * size) / total).toFixed(1).padStart(5)} %`);
}
