import type * as ort from 'onnxruntime-node';
import {
  concreteInputs,
  fail,
  hiddenFeeds,
  modelPairProblems,
  ParityJudge,
  runtimeMessage,
  withSessions,
  type Feeds,
  type JudgedOutputs,
} from './evaluate-parity';
import { bootstrapMedianInterval, median, percentile, seededStream } from './statistics';
import type { ParitySessionOptions, ParityTask } from './types';

/**
 * The paired benchmark of a candidate ONNX model against the challenge's reference (DESIGN.md §4
 * "Timing"), as a pure function over bytes like the parity: both sessions are created with the
 * challenge's fixed options, warmed up, then timed in ≥ 30 rounds whose order alternates (ABAB…
 * then BABA…: the side that goes first changes every round) on a rotating pool of hidden batches.
 * Each round times a batch of runs of each side with process.hrtime.bigint() (a timestamp after
 * every run); a side's time in the round is its median run (or the batch's mean: RoundStatistic).
 * The speedup is the median of the per-round ratios baseline/candidate, with a seeded 95%
 * bootstrap interval. The outputs of timed runs are re-checked against the parity rule, so a model
 * cannot behave one way under parity and another while timed.
 *
 * Errors are thrown like the parity's (message prefixed with the code; `parityErrorCode` reads it):
 * `INVALID_TASK`, `REFERENCE_FAILED`, `MODEL_UNLOADABLE`, `MODEL_RUN_FAILED`.
 */

/** DESIGN.md §4: at least this many timed rounds. */
export const MIN_BENCHMARK_ROUNDS = 30;
export const DEFAULT_BENCHMARK_ROUNDS = 30;
export const DEFAULT_WARMUP_RUNS = 10;
/** A round of the slower side lasts at least this long, so timer resolution and scheduler ticks stay small beside it. */
export const DEFAULT_MIN_ROUND_MS = 20;
/** DESIGN.md §4: 2,000 bootstrap resamples. */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 2_000;
/** Hidden batches the rounds rotate through (round r uses batch r mod this). */
export const BENCHMARK_INPUT_POOL = 8;
/** Timed rounds whose outputs are re-checked (chosen at random, distinct): both sides' outputs in each. */
export const RECHECKED_ROUNDS = 2;
/**
 * How a round's batch of runs becomes that side's time in the round (the per-run latency the ratio
 * compares):
 * - `median`: the median run of the batch. Every run of a round has the same input, so its runs are
 *   replicates; a run that lost its core to another process for a time slice is an outlier, not the
 *   model's cost. A model cannot profit from this: it has no state between runs, so a slow run is
 *   pure waste, and the p50/p90 of all runs are reported beside it.
 * - `mean`: the batch's total time / runs (the ratio is that of the batch totals).
 * See the README's "Benchmark" section for both, measured side by side on a busy 2-core machine.
 */
export type RoundStatistic = 'median' | 'mean';
export const DEFAULT_ROUND_STATISTIC: RoundStatistic = 'median';
/** No round repeats a run more often than this, however fast the model. */
export const MAX_RUNS_PER_ROUND = 10_000;

/**
 * The parity task's models, hidden inputs and session (the candidate must have passed the model
 * checks and the parity already; `parity` is the rule timed outputs are re-checked with), and how
 * to time them.
 */
export interface BenchmarkTask extends Omit<ParityTask, 'batches'> {
  /** Timed rounds, ≥ {@link MIN_BENCHMARK_ROUNDS}; default {@link DEFAULT_BENCHMARK_ROUNDS}. */
  rounds?: number;
  /** Untimed runs of each side before the rounds (≥ 1); default {@link DEFAULT_WARMUP_RUNS}. */
  warmupRuns?: number;
  /** Runs per round are chosen from the warm-up so that the slower side's batch lasts at least this; default {@link DEFAULT_MIN_ROUND_MS}. */
  minRoundMs?: number;
  /** Default {@link DEFAULT_ROUND_STATISTIC}. */
  roundStatistic?: RoundStatistic;
  /** Default {@link DEFAULT_BOOTSTRAP_RESAMPLES}. */
  bootstrapResamples?: number;
  /** Seeds the bootstrap; default the scoring nonce (the interval is reproducible from the rounds). */
  bootstrapSeed?: string | number;
}

/** One timed round: a batch of `runsPerRound` runs of each side on the same hidden batch. */
export interface BenchmarkRound {
  /** The reference's latency of one run in this round (ms): its batch's median run, or the batch's mean (`settings.roundStatistic`). */
  baselineMs: number;
  candidateMs: number;
  /** baselineMs / candidateMs: above 1 when the candidate is faster. */
  ratio: number;
  /** Whether the reference ran first in this round (the order alternates). */
  baselineFirst: boolean;
}

export interface BenchmarkRecheck {
  /** The candidate's outputs in the re-checked timed runs agree with the reference's under the parity rule. */
  passed: boolean;
  /** 0-based indices of the re-checked rounds. */
  rounds: number[];
  /** Why it failed: each failing round and output, as the parity words it. */
  message?: string;
}

export interface BenchmarkResult {
  /** Median of the per-round ratios. */
  speedup: number;
  /** 95% bootstrap interval of that median (rounds resampled with replacement). */
  speedupLow: number;
  speedupHigh: number;
  rounds: BenchmarkRound[];
  runsPerRound: number;
  /** Percentiles of single-run latency over every timed run of each side. */
  baselineP50Ms: number;
  baselineP90Ms: number;
  candidateP50Ms: number;
  candidateP90Ms: number;
  recheck: BenchmarkRecheck;
  settings: {
    graphOptimizationLevel: ParitySessionOptions['graphOptimizationLevel'];
    intraOpNumThreads: number;
    /** The first (primary) of the session's execution providers. */
    executionProvider: string;
    rounds: number;
    warmupRuns: number;
    bootstrapResamples: number;
    /** How each round's runs became its time. */
    roundStatistic: RoundStatistic;
    /** The slower side's batch lasted at least about this long (sized from the warm-up). */
    minRoundMs: number;
  };
}

/** The outputs of one timed run of each side, kept for the re-check. */
export interface TimedOutputs {
  /** 0-based timed round. */
  round: number;
  /** The hidden batch that round ran on. */
  batch: number;
  reference: ort.InferenceSession.ReturnType;
  candidate: ort.InferenceSession.ReturnType;
}

interface Settings {
  rounds: number;
  warmupRuns: number;
  minRoundMs: number;
  roundStatistic: RoundStatistic;
  bootstrapResamples: number;
  bootstrapSeed: string | number;
}

function settingsOf(task: BenchmarkTask): Settings {
  const settings: Settings = {
    rounds: task.rounds ?? DEFAULT_BENCHMARK_ROUNDS,
    warmupRuns: task.warmupRuns ?? DEFAULT_WARMUP_RUNS,
    minRoundMs: task.minRoundMs ?? DEFAULT_MIN_ROUND_MS,
    roundStatistic: task.roundStatistic ?? DEFAULT_ROUND_STATISTIC,
    bootstrapResamples: task.bootstrapResamples ?? DEFAULT_BOOTSTRAP_RESAMPLES,
    bootstrapSeed: task.bootstrapSeed ?? task.scoringNonce,
  };
  const problems = modelPairProblems(task);
  const wholeIn = (value: number, name: string, min: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > max)
      problems.push(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  };
  wholeIn(settings.rounds, 'rounds', MIN_BENCHMARK_ROUNDS, 10_000);
  wholeIn(settings.warmupRuns, 'warmupRuns', 1, 10_000);
  wholeIn(settings.bootstrapResamples, 'bootstrapResamples', 100, 100_000);
  if (!(settings.minRoundMs > 0 && settings.minRoundMs <= 10_000))
    problems.push(`minRoundMs must be in (0, 10000], got ${settings.minRoundMs}`);
  if (settings.roundStatistic !== 'median' && settings.roundStatistic !== 'mean')
    problems.push(`roundStatistic must be median or mean, got ${String(settings.roundStatistic)}`);
  if (problems.length > 0) fail('INVALID_TASK', problems.join('; '));
  return settings;
}

type Side = 'reference' | 'candidate';

/** The two loaded models and what each is asked for, with their failures attributed. */
class Pair {
  constructor(
    private readonly reference: ort.InferenceSession,
    private readonly candidate: ort.InferenceSession,
    private readonly referenceFetches: string[],
    private readonly candidateFetches: string[],
  ) {}

  /**
   * Times `runs` consecutive runs of one side; each run's latency goes to `latencies`. The outputs
   * of run `keep` are returned (ONNX Runtime returns every run's outputs anyway, so keeping one
   * changes nothing in what is timed).
   */
  async time(side: Side, feeds: Feeds, runs: number, latencies: number[] | undefined, keep: number, where: string) {
    const session = side === 'reference' ? this.reference : this.candidate;
    const fetches = side === 'reference' ? this.referenceFetches : this.candidateFetches;
    let kept: ort.InferenceSession.ReturnType | undefined;
    try {
      const start = process.hrtime.bigint();
      let last = start;
      for (let run = 0; run < runs; run++) {
        const outputs = await session.run(feeds, fetches);
        const now = process.hrtime.bigint();
        latencies?.push(Number(now - last) / 1e6);
        last = now;
        if (run === keep) kept = outputs;
      }
      return { ms: Number(last - start) / 1e6, kept };
    } catch (error) {
      if (side === 'reference') return fail('REFERENCE_FAILED', `the reference failed ${where}: ${runtimeMessage(error)}`);
      return fail('MODEL_RUN_FAILED', `the model failed ${where}: ${runtimeMessage(error)}`);
    }
  }
}

/**
 * Benchmarks the candidate against the reference (DESIGN.md §4 "Timing"). Returns the speedup with
 * its interval, every round, latency percentiles and the re-check; throws (message prefixed with
 * the code) when there is nothing to time.
 */
export async function benchmarkModels(task: BenchmarkTask): Promise<BenchmarkResult> {
  const settings = settingsOf(task);
  return withSessions(task, (reference, candidate) => timeSessions(task, settings, reference, candidate));
}

async function timeSessions(
  task: BenchmarkTask,
  settings: Settings,
  reference: ort.InferenceSession,
  candidate: ort.InferenceSession,
): Promise<BenchmarkResult> {
  const missingInReference = task.outputs.filter((o) => !reference.outputNames.includes(o.name)).map((o) => o.name);
  if (missingInReference.length > 0) fail('REFERENCE_FAILED', `the reference has no output named ${missingInReference.join(', ')}`);
  const inputs = concreteInputs(task.inputs, reference);
  // Drawn before any timing, so no round pays for them.
  const pool = Array.from({ length: BENCHMARK_INPUT_POOL }, (_, batch) => hiddenFeeds(inputs, task.secretSeed, task.scoringNonce, batch));
  const judge = new ParityJudge(task, candidate.outputNames);
  // A candidate lacking every declared output still runs (for its time); the re-check fails it.
  const candidateFetches = judge.candidateFetches.length > 0 ? [...judge.candidateFetches] : [...candidate.outputNames];
  const pair = new Pair(reference, candidate, [...judge.referenceFetches], candidateFetches);

  // Warm-up, alternating too; its single-run times size the rounds.
  const warmup: Record<Side, number[]> = { reference: [], candidate: [] };
  for (let run = 0; run < settings.warmupRuns; run++) {
    const feeds = pool[run % pool.length];
    const order: Side[] = run % 2 === 0 ? ['reference', 'candidate'] : ['candidate', 'reference'];
    for (const side of order) await pair.time(side, feeds, 1, warmup[side], -1, `in warm-up run ${run}`);
  }
  const typicalMs = (times: number[]) => median(times.length > 2 ? times.slice(1) : times); // the first run is the slowest
  const slowerMs = Math.max(typicalMs(warmup.reference), typicalMs(warmup.candidate), 1e-6);
  const runsPerRound = Math.min(MAX_RUNS_PER_ROUND, Math.max(1, Math.ceil(settings.minRoundMs / slowerMs)));

  // Which rounds are re-checked, and which run of each: unpredictable without the secret seed.
  const random = seededStream('benchmark-recheck', task.secretSeed, task.scoringNonce);
  const recheckRounds = new Map<number, number>();
  while (recheckRounds.size < Math.min(RECHECKED_ROUNDS, settings.rounds))
    recheckRounds.set(random.below(settings.rounds), random.below(runsPerRound));

  const rounds: BenchmarkRound[] = [];
  const latencies: Record<Side, number[]> = { reference: [], candidate: [] };
  const captured: TimedOutputs[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    const batch = round % pool.length;
    const feeds = pool[batch];
    const baselineFirst = round % 2 === 0;
    const keep = recheckRounds.get(round) ?? -1;
    const where = `in timed round ${round} (hidden batch ${batch})`;
    const order: Side[] = baselineFirst ? ['reference', 'candidate'] : ['candidate', 'reference'];
    const timed: Partial<Record<Side, Awaited<ReturnType<Pair['time']>>>> = {};
    const runs: Record<Side, number[]> = { reference: [], candidate: [] };
    for (const side of order) timed[side] = await pair.time(side, feeds, runsPerRound, runs[side], keep, where);
    for (const side of order) latencies[side].push(...runs[side]);
    const roundMs = (side: Side) => (settings.roundStatistic === 'median' ? median(runs[side]) : timed[side]!.ms / runsPerRound);
    const baselineMs = roundMs('reference');
    const candidateMs = roundMs('candidate');
    rounds.push({ baselineMs, candidateMs, ratio: baselineMs / candidateMs, baselineFirst });
    if (keep >= 0) captured.push({ round, batch, reference: timed.reference!.kept ?? {}, candidate: timed.candidate!.kept ?? {} });
  }

  const ratios = rounds.map((round) => round.ratio);
  const interval = bootstrapMedianInterval(ratios, { resamples: settings.bootstrapResamples, seed: settings.bootstrapSeed });
  return {
    speedup: median(ratios),
    speedupLow: interval.low,
    speedupHigh: interval.high,
    rounds,
    runsPerRound,
    baselineP50Ms: percentile(latencies.reference, 50),
    baselineP90Ms: percentile(latencies.reference, 90),
    candidateP50Ms: percentile(latencies.candidate, 50),
    candidateP90Ms: percentile(latencies.candidate, 90),
    recheck: recheckTimedOutputs(task, candidate.outputNames, captured),
    settings: {
      graphOptimizationLevel: task.session.graphOptimizationLevel,
      intraOpNumThreads: task.session.intraOpNumThreads,
      executionProvider: task.session.executionProviders[0] ?? 'cpu',
      rounds: settings.rounds,
      warmupRuns: settings.warmupRuns,
      bootstrapResamples: settings.bootstrapResamples,
      roundStatistic: settings.roundStatistic,
      minRoundMs: settings.minRoundMs,
    },
  };
}

/**
 * The re-check: in each captured timed round, the candidate's outputs must agree with the
 * reference's under the parity rule, exactly as the parity judges them (each round on its own).
 */
export function recheckTimedOutputs(
  task: JudgedOutputs,
  candidateOutputNames: readonly string[],
  captured: readonly TimedOutputs[],
): BenchmarkRecheck {
  const problems: string[] = [];
  for (const round of captured) {
    const judge = new ParityJudge(task, candidateOutputNames);
    judge.compare(round.reference, round.candidate, round.batch);
    const { failures } = judge.verdict();
    if (failures.length > 0) problems.push(`timed round ${round.round}: ${failures.map((f) => f.message).join('; ')}`);
  }
  const rounds = captured.map((round) => round.round).sort((a, b) => a - b);
  if (problems.length === 0) return { passed: true, rounds };
  return {
    passed: false,
    rounds,
    message: `the model's outputs while timed do not agree with the reference's: ${problems.join(' | ')}`,
  };
}
