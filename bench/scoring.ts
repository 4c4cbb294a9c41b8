/**
 * The paired benchmark of the scorer, measured side by side in one run (issue #6; not part of
 * `npm test`). Everything runs through the real SandboxHost from dist/ (one-worker host, exclusive
 * tasks: what the scorer does), on pruned-mlp-speedup's reference model:
 *   (a) harness overhead: the harness's p50 single-run latency vs a bare onnxruntime-node loop's on
 *       the same model, session options and inputs (goal: ratio ≤ 1.03);
 *   (b) verdicts over N scorings each (fresh nonce each, interleaved): the unchanged reference vs
 *       itself, and a ~1.25× solution (the reference with part of its dead units removed), PASSED
 *       when the interval's lower bound ≥ the target (goals: 0/N and N/N);
 *   (c) the interval's width (high − low) / median over those scorings (goal: median ≤ 6%);
 *   (b) and (c) once with each round statistic (a round's median run, the default, and its mean);
 *   and both models' peak memory, each in a one-off host (SandboxHost.runIsolated).
 *
 * Run from the repository root, after the build (Node 24 runs this file directly: its types are
 * only stripped, and it loads the compiled code from dist/):
 *
 *   npm run build && node_modules/.bin/node bench/scoring.ts [--scorings 20] [--target 1.10]
 */
import type * as Ort from 'onnxruntime-node';
import type * as Host from '../apps/scorer/src/sandbox/sandbox-host';
import type * as ModelChallenges from '../libs/catalog/src/models/model-challenges';
import type * as OnnxGraph from '../libs/catalog/src/models/onnx-graph';
import type * as Registry from '../libs/catalog/src/models/registry';
import type * as Benchmark from '../sandboxes/onnx/benchmark';
import type * as Parity from '../sandboxes/onnx/evaluate-parity';
import type * as Statistics from '../sandboxes/onnx/statistics';
import type * as Scoring from '../apps/scorer/src/scoring/model-scoring';

// A CommonJS script (no import statements survive type stripping), so it can load the compiled
// CommonJS modules of dist/ and onnxruntime-node with a plain require.
const { createRequire } = process.getBuiltinModule('node:module');
const { availableParallelism, cpus, loadavg } = process.getBuiltinModule('node:os');
const { join } = process.getBuiltinModule('node:path');
const load = createRequire(__filename);
const dist = (path: string) => join(__dirname, '../dist', path);

const ort = load('onnxruntime-node') as typeof Ort;
const { SandboxHost } = load(dist('apps/scorer/src/sandbox/sandbox-host.js')) as typeof Host;
const { readModelChallenges } = load(dist('libs/catalog/src/models/model-challenges.js')) as typeof ModelChallenges;
const { buildModel } = load(dist('libs/catalog/src/models/registry.js')) as typeof Registry;
const { attr, buildModelBytes, GraphBuilder, parseModel } = load(dist('libs/catalog/src/models/onnx-graph.js')) as typeof OnnxGraph;
const { concreteInputs, hiddenFeeds, sessionOptions } = load(dist('sandboxes/onnx/evaluate-parity.js')) as typeof Parity;
const { median, percentile } = load(dist('sandboxes/onnx/statistics.js')) as typeof Statistics;
const { benchmarkTask, memoryTask } = load(dist('apps/scorer/src/scoring/model-scoring.js')) as typeof Scoring;

const CHALLENGE = 'pruned-mlp-speedup';
/**
 * Dead units removed from each of the two 1024-unit hidden layers for the "~1.25×" solution
 * (1024 → 904: 1.24× fewer multiply-adds; measured ≈ 1.25× here).
 */
const DEAD_UNITS_REMOVED = 120;
const OVERHEAD_PAIRS = 8;
/** The default first: each is measured on the same scorings' schedule (see RoundStatistic in sandboxes/onnx/benchmark.ts). */
const ROUND_STATISTICS: readonly Benchmark.RoundStatistic[] = ['median', 'mean'];
const BARE_RUNS = 400;
const BARE_WARMUP_RUNS = 10;
const TIMEOUT_MS = 120_000;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

/** The reference MLP with the first `count` dead units (no incoming weight, bias ≤ 0) of each hidden layer removed: the same function. */
function withoutDeadUnits(reference: Uint8Array, count: number, batch: number): Uint8Array {
  const graph = parseModel(reference).graph;
  if (!graph) throw new Error('the reference has no graph');
  const tensor = (name: string) => {
    const found = graph.initializer.find((t) => t.name === name);
    if (!found) throw new Error(`the reference has no initializer ${name}`);
    return { dims: found.dims.map(Number), values: new Float32Array(found.rawData.slice().buffer) };
  };
  const layers = [0, 1, 2].map((l) => ({ weight: tensor(`fc${l}.weight`), bias: tensor(`fc${l}.bias`) }));
  // Units kept per hidden layer, by index.
  const kept = [0, 1].map((l) => {
    const [units, inFeatures] = layers[l].weight.dims;
    const dead = (unit: number) =>
      layers[l].bias.values[unit] <= 0 &&
      layers[l].weight.values.subarray(unit * inFeatures, (unit + 1) * inFeatures).every((w) => w === 0);
    const removed = new Set(
      Array.from({ length: units }, (_, unit) => unit)
        .filter(dead)
        .slice(0, count),
    );
    if (removed.size < count) throw new Error(`hidden layer ${l} has only ${removed.size} dead units`);
    return Array.from({ length: units }, (_, unit) => unit).filter((unit) => !removed.has(unit));
  });
  const g = new GraphBuilder('pruned_mlp_partly_compacted');
  const [, inputFeatures] = layers[0].weight.dims;
  const [outputFeatures] = layers[2].weight.dims;
  let x = g.input('features', 'float32', [batch, inputFeatures]);
  layers.forEach((layer, l) => {
    const [units, inFeatures] = layer.weight.dims;
    const rows = kept[l] ?? Array.from({ length: units }, (_, unit) => unit);
    const columns = kept[l - 1] ?? Array.from({ length: inFeatures }, (_, column) => column);
    const weight = new Float32Array(rows.length * columns.length);
    rows.forEach((row, r) =>
      columns.forEach((column, c) => (weight[r * columns.length + c] = layer.weight.values[row * inFeatures + column])),
    );
    const bias = Float32Array.from(rows, (row) => layer.bias.values[row]);
    const w = g.initializer(`fc${l}.weight`, 'float32', [rows.length, columns.length], weight);
    const b = g.initializer(`fc${l}.bias`, 'float32', [rows.length], bias);
    const last = l === layers.length - 1;
    const y = g.op('Gemm', [x, w, b], { transB: attr.int(1) }, last ? { output: 'scores' } : {});
    x = last ? y : g.op('Relu', [y]);
  });
  g.output('scores', 'float32', [batch, outputFeatures]);
  return buildModelBytes(g);
}

type Verdict = 'PASSED' | 'INCONCLUSIVE' | 'FAILED';

/** DESIGN.md §4: PASSED when the lower bound reaches the target, INCONCLUSIVE when the interval straddles it. */
function verdict(result: Benchmark.BenchmarkResult, target: number): Verdict {
  if (!result.recheck.passed) return 'FAILED';
  if (result.speedupLow >= target) return 'PASSED';
  return result.speedupHigh >= target ? 'INCONCLUSIVE' : 'FAILED';
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const ms = (value: number) => `${value.toFixed(3)} ms`;

async function main(): Promise<void> {
  const scorings = option('scorings', 20);
  const target = option('target', 1.1);
  const challenge = readModelChallenges().find((c) => c.slug === CHALLENGE);
  if (!challenge || challenge.spec.kind !== 'OPTIMIZE_MODEL') throw new Error(`the catalog needs ${CHALLENGE}`);
  const { spec } = challenge;
  const reference = buildModel(spec.reference);
  const solution = withoutDeadUnits(reference, DEAD_UNITS_REMOVED, Number(spec.inputs[0].shape[0]));
  const secretSeed = 'bench-secret-seed';
  // The scorer's own task builders, so the bench measures what a scoring runs.
  const modelSpec = spec as unknown as Scoring.ModelSpec;
  const task = (
    candidate: Uint8Array,
    scoringNonce: string,
    roundStatistic?: Benchmark.RoundStatistic,
  ): Host.SandboxTaskOf<'onnx.benchmark'> => ({
    ...benchmarkTask(modelSpec, secretSeed, scoringNonce, reference, candidate),
    ...(roundStatistic ? { roundStatistic } : {}),
  });

  const host = new SandboxHost({ log: (message) => console.error(`[sandbox] ${message}`) });
  await host.start();
  const benchmark = async (candidate: Uint8Array, nonce: string, roundStatistic?: Benchmark.RoundStatistic) => {
    const started = performance.now();
    const outcome = await host.run(task(candidate, nonce, roundStatistic), { timeoutMs: TIMEOUT_MS, exclusive: true });
    if (!outcome.ok) throw new Error(`the benchmark failed: ${outcome.code}: ${outcome.message}`);
    return { result: outcome.result, wallMs: performance.now() - started };
  };

  try {
    // (a) The same model, options and inputs in a bare loop (this process) and in the harness, alternately.
    const session = await ort.InferenceSession.create(reference, sessionOptions(spec.session));
    const feeds = Array.from({ length: 8 }, (_, batch) => hiddenFeeds(concreteInputs(spec.inputs, session), secretSeed, 'bare', batch));
    const fetches = spec.outputs.map((o) => o.name);
    const bareLoop = async () => {
      const latencies: number[] = [];
      for (let run = -BARE_WARMUP_RUNS; run < BARE_RUNS; run++) {
        const start = process.hrtime.bigint();
        await session.run(feeds[((run % 8) + 8) % 8], fetches);
        if (run >= 0) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return percentile(latencies, 50);
    };
    const harnessLoop = async (pair: number) => {
      const { result } = await benchmark(reference, `overhead-${pair}`);
      return median([result.baselineP50Ms, result.candidateP50Ms]);
    };
    const loadBefore = loadavg()[0];
    const bareP50s: number[] = [];
    const harnessP50s: number[] = [];
    for (let pair = 0; pair < OVERHEAD_PAIRS; pair++) {
      // Which one goes first alternates, as in the benchmark itself.
      if (pair % 2 === 0) bareP50s.push(await bareLoop());
      harnessP50s.push(await harnessLoop(pair));
      if (pair % 2 === 1) bareP50s.push(await bareLoop());
    }
    await session.release();
    const overheadRatios = harnessP50s.map((harness, pair) => harness / bareP50s[pair]);

    // (b), (c) Interleaved, so that the machine's noise falls on every kind and statistic alike.
    const kinds = ROUND_STATISTICS.flatMap((roundStatistic) =>
      [
        { name: 'reference vs itself', candidate: reference },
        { name: '~1.25× solution', candidate: solution },
      ].map((kind) => ({ ...kind, roundStatistic, results: [] as Benchmark.BenchmarkResult[], wallMs: [] as number[] })),
    );
    for (let scoring = 0; scoring < scorings; scoring++) {
      for (const kind of kinds) {
        const { result, wallMs } = await benchmark(
          kind.candidate,
          `scoring-${scoring}-${kind.name}-${kind.roundStatistic}`,
          kind.roundStatistic,
        );
        kind.results.push(result);
        kind.wallMs.push(wallMs);
      }
    }

    const memory = [];
    for (const [name, model] of [
      ['reference', reference],
      ['~1.25× solution', solution],
    ] as const) {
      const outcome = await host.runIsolated(
        { ...memoryTask(modelSpec, secretSeed, 'memory', model), runs: 50 },
        { timeoutMs: TIMEOUT_MS },
      );
      if (!outcome.ok) throw new Error(`the memory task failed: ${outcome.code}: ${outcome.message}`);
      memory.push({ name, ...outcome.result });
    }

    const bare = median(bareP50s);
    const harness = median(harnessP50s);
    const loadAfter = loadavg()[0];
    const first = kinds[0].results[0];
    const width = (r: Benchmark.BenchmarkResult) => (r.speedupHigh - r.speedupLow) / r.speedup;
    const all = kinds.flatMap((kind) => kind.results);
    console.log(
      `scoring benchmark: ${CHALLENGE}, ${first.settings.executionProvider}, ${first.settings.intraOpNumThreads} intra-op thread, ` +
        `level ${first.settings.graphOptimizationLevel}; ${first.settings.rounds} rounds of ≥ ${first.settings.minRoundMs} ms, ` +
        `${first.settings.warmupRuns} warm-up runs, ${first.settings.bootstrapResamples} resamples; ` +
        `Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString().slice(0, 10)}; ` +
        `load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end`,
    );
    console.log('');
    console.log(
      `(a) overhead, ${OVERHEAD_PAIRS} alternations (bare: ${BARE_RUNS} runs in this process; harness: p50 of both sides of an A/A benchmark)`,
    );
    console.log(`    bare onnxruntime-node loop p50   ${ms(bare)}   [${bareP50s.map((v) => v.toFixed(3)).join(', ')}]`);
    console.log(`    harness p50                      ${ms(harness)}   [${harnessP50s.map((v) => v.toFixed(3)).join(', ')}]`);
    console.log(
      `    harness / bare, median per pair  ${median(overheadRatios).toFixed(3)}   [${overheadRatios.map((v) => v.toFixed(3)).join(', ')}]   (goal ≤ 1.03)`,
    );
    console.log('');
    console.log(`(b, c) ${scorings} scorings each, target ${target.toFixed(2)}, PASSED when speedupLow ≥ target; by round statistic`);
    console.log(
      '    round  candidate              PASSED  INCONCL.  FAILED  median speedup  [min low, max high]   median width  max width  s/scoring',
    );
    for (const kind of kinds) {
      const count = (v: Verdict) => kind.results.filter((r) => verdict(r, target) === v).length;
      const row = [
        kind.roundStatistic.padEnd(6),
        kind.name.padEnd(22),
        `${count('PASSED')}/${scorings}`.padStart(6),
        String(count('INCONCLUSIVE')).padStart(9),
        String(count('FAILED')).padStart(7),
        median(kind.results.map((r) => r.speedup))
          .toFixed(3)
          .padStart(15),
        `[${Math.min(...kind.results.map((r) => r.speedupLow)).toFixed(3)}, ${Math.max(...kind.results.map((r) => r.speedupHigh)).toFixed(3)}]`.padStart(
          20,
        ),
        percent(median(kind.results.map(width))).padStart(14),
        percent(Math.max(...kind.results.map(width))).padStart(10),
        (median(kind.wallMs) / 1000).toFixed(2).padStart(10),
      ];
      console.log(`    ${row.join(' ')}`);
    }
    for (const roundStatistic of ROUND_STATISTICS) {
      const results = kinds.filter((kind) => kind.roundStatistic === roundStatistic).flatMap((kind) => kind.results);
      console.log(
        `    ${roundStatistic}: median width over all ${results.length} scorings ${percent(median(results.map(width)))} (goal ≤ 6%); ` +
          `goals for PASSED: 0/${scorings} and ${scorings}/${scorings}`,
      );
    }
    console.log(
      `    runs per round: ${[...new Set(all.map((r) => r.runsPerRound))].sort((a, b) => a - b).join(', ')}; ` +
        `re-checks passed: ${all.filter((r) => r.recheck.passed).length}/${all.length}`,
    );
    console.log('');
    console.log('peak memory, each model alone in a one-off sandbox host (50 runs)');
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`.padStart(10);
    console.log('    model                 file        baseline   after load  peak (runs)  above load  method');
    for (const m of memory) {
      console.log(
        `    ${m.name.padEnd(18)}${mb(m.fileBytes)}  ${mb(m.baselineBytes)}  ${mb(m.rssAfterLoadBytes)}  ${mb(m.peakDuringRunsBytes)}  ${mb(m.peakAboveLoadBytes)}  ${m.method}`,
      );
    }
  } finally {
    await host.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
