/**
 * Test-only builders of report-check tasks: an honest report of an OPTIMIZE_MODEL result whose
 * sections are all named by synonyms, the evidence it documents, and hostile reports of a given
 * size. Not used by the sandbox itself.
 */
import {
  DEFAULT_CLAIM_TOLERANCE,
  DEFAULT_MAX_REPORT_BYTES,
  DEFAULT_REQUIRED_SECTIONS,
  type ReportCheckTask,
  type ReportEvidence,
} from './types';

/** Speedup 1.55× (95% interval 1.52–1.61×), p50 12.3 → 7.9 ms, peak 512 → 410 MiB, top-1 agreement 99.1%. */
export function evidenceFactory(overrides: Partial<ReportEvidence> = {}): ReportEvidence {
  return {
    kind: 'OPTIMIZE_MODEL',
    speedup: { median: 1.55, low: 1.52, high: 1.61 },
    latencyMs: { baselineP50: 12.3, baselineP90: 14.1, candidateP50: 7.9, candidateP90: 9.2 },
    peakMemoryBytes: { baseline: 512 * 1024 ** 2, candidate: 410 * 1024 ** 2 },
    accuracy: 0.991,
    ...overrides,
  };
}

export function reportTask(markdown: string, overrides: Partial<Omit<ReportCheckTask, 'markdown'>> = {}): ReportCheckTask {
  return {
    markdown,
    requiredSections: [...DEFAULT_REQUIRED_SECTIONS],
    claimTolerance: DEFAULT_CLAIM_TOLERANCE,
    maxReportBytes: DEFAULT_MAX_REPORT_BYTES,
    evidence: evidenceFactory(),
    ...overrides,
  };
}

export interface GoodReportParts {
  environment: string;
  method: string;
  results: string;
  limitations: string;
  reproduction: string;
  failures: string;
}

/** Every section present under a synonym, a results table, commands, and numbers that match {@link evidenceFactory}. */
export const GOOD_REPORT: GoodReportParts = {
  environment: `## Setup

Intel Xeon 8375C (8 vCPU), 32 GB RAM, Ubuntu 24.04, onnxruntime 1.30, Python 3.12.
`,
  method: `## Approach

I fused the attention block's MatMul and Add nodes and removed two redundant Transpose ops with
\`onnxsim\`, then quantised nothing: the model stays float32.
`,
  results: `## Measurements

The candidate runs at a median **1.55×** the baseline's speed (95% interval 1.52–1.61×, 30 rounds).
Latency p50 dropped from 12.3 ms to 7.9 ms; the peak memory went from 512 MiB to 410 MiB.
Top-1 agreement with the reference is 99.1%.

| metric | baseline | candidate |
| --- | ---: | ---: |
| p50 latency | 12.3 ms | 7.9 ms |
| p90 latency | 14.1 ms | 9.2 ms |
| peak memory | 512 MiB | 410 MiB |
| speedup | 1× | 1.55× |
`,
  limitations: `## Caveats

Measured on one machine type with one thread; batch size 1 only. The speedup of the fused kernel may
not hold on ARM.
`,
  reproduction: `## How to reproduce

\`\`\`bash
python -m onnxsim model.onnx model-sim.onnx
python bench.py --model model-sim.onnx --rounds 30 --seed 42 --speedup-target 3x
\`\`\`
`,
  failures: `## Lessons learned

Quantising to int8 broke parity (top-1 agreement fell below the target), so I dropped it.
`,
};

export function goodReport(parts: Partial<GoodReportParts> = {}): string {
  const all = { ...GOOD_REPORT, ...parts };
  return ['# Faster ResNet-50 inference\n', all.environment, all.method, all.results, all.limitations, all.reproduction, all.failures].join(
    '\n',
  );
}

/** `unit` repeated to just under `bytes` UTF-8 bytes (for ASCII units). */
export function repeatedTo(unit: string, bytes: number): string {
  return unit.repeat(Math.floor(bytes / unit.length));
}
