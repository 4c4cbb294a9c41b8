// Per-test overhead of sandboxes/code-runner: one QuickJS WASM instance per call, a fresh runtime
// and context per test. Prints each scenario's cost per call and per test, side by side, with the
// ratio to the smallest per-test cost. Not part of `npm test`.
//
//   npm run build && node bench/code-runner-overhead.mjs [compiled code-runner index.js]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);
const runnerPath = resolve(process.argv[2] ?? 'dist/sandboxes/code-runner/index.js');
const { runHiddenTests } = require(runnerPath);

const LIMITS = { memoryBytes: 64 * 1024 * 1024, stackBytes: 256 * 1024, timeMsPerTest: 2_000, outputBytes: 64 * 1024 };
const ROUNDS = 7;
const TESTS = 200;

const small = 'function add(a, b) { return a + b; }';
const smallTs = 'function add(a: number, b: number): number { return a + b; }';
// A 13 KB module: the module is parsed again for every test.
const large =
  small +
  '\n' +
  Array.from({ length: 150 }, (_, i) => `function helper${i}(x) { let s = 0; for (let j = 0; j < x; j++) s += j * ${i}; return s; }`).join(
    '\n',
  );

const tests = (n) =>
  Array.from({ length: n }, (_, i) => ({ name: `case ${i}`, args: [i, 1], expected: i + 1, compare: { mode: 'exact' } }));

async function median(language, code, n) {
  const times = [];
  let inVm = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const result = await runHiddenTests({ code, language, entryPoint: 'add', tests: tests(n), limits: LIMITS });
    times.push(performance.now() - started);
    inVm = result.mentor.testMs;
    if (result.learner.passed !== n) throw new Error(`expected ${n} passes, got ${result.learner.passed}`);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(ROUNDS / 2)], inVm };
}

await median('javascript', small, 5); // warm-up: loads TypeScript, compiles the WASM once
await median('typescript', smallTs, 5);

const rows = [];
for (const [label, language, code] of [
  ['JavaScript, 37 B', 'javascript', small],
  ['TypeScript, 61 B', 'typescript', smallTs],
  [`JavaScript, ${(large.length / 1024).toFixed(0)} KB`, 'javascript', large],
]) {
  const fixed = await median(language, code, 0);
  const full = await median(language, code, TESTS);
  rows.push({ label, fixedMs: fixed.ms, perTestMs: (full.ms - fixed.ms) / TESTS, inVmPerTestMs: full.inVm / TESTS });
}
const smallest = Math.min(...rows.map((row) => row.perTestMs));
console.log(`code-runner overhead, median of ${ROUNDS} runs, ${TESTS} tests of add(a, b)`);
console.log('scenario               per call   per test   (in VM)   × smallest');
for (const row of rows) {
  console.log(
    `${row.label.padEnd(22)} ${row.fixedMs.toFixed(1).padStart(6)} ms ${row.perTestMs.toFixed(3).padStart(7)} ms ${row.inVmPerTestMs
      .toFixed(3)
      .padStart(6)} ms ${(row.perTestMs / smallest).toFixed(2).padStart(8)}`,
  );
}
