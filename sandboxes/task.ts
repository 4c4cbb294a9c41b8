/**
 * Every task the sandbox host runs, as plain data (it crosses the scorer → host IPC and the host →
 * Piscina worker boundary as a structured clone). One kind per sandbox function; the worker
 * (`sandboxes/worker.ts`) dispatches on `kind`. Nothing here imports from `apps/` or `libs/`.
 */
import type { SourceArchiveResult, SourceArchiveTask } from './archive/types';
import type { CodeMetrics, CodeMetricsTask } from './code-runner/code-metrics';
import type { CodeRunResult, CodeRunTask } from './code-runner/types';
import type { BenchmarkResult, BenchmarkTask } from './onnx/benchmark';
import type { MemoryResult, MemoryTask } from './onnx/memory';
import type { ModelCheckResult, ModelCheckTask } from './onnx/check-model';
import type { ProvidersResult, ProvidersTask } from './onnx/probe-providers';
import type { ParityResult, ParityTask } from './onnx/types';
import type { ProbeResult, ProbeTask } from './probe/types';
import type { ReportCheckResult, ReportCheckTask } from './report/types';

export type SandboxTask =
  | ({ kind: 'onnx.check' } & ModelCheckTask)
  | ({ kind: 'onnx.parity' } & ParityTask)
  | ({ kind: 'onnx.providers' } & ProvidersTask)
  | ({ kind: 'onnx.benchmark' } & BenchmarkTask)
  | ({ kind: 'onnx.memory' } & MemoryTask)
  | ({ kind: 'code.hidden-tests' } & CodeRunTask)
  | ({ kind: 'code.metrics' } & CodeMetricsTask)
  | ({ kind: 'archive.list' } & SourceArchiveTask)
  | ({ kind: 'report.check' } & ReportCheckTask)
  | ({ kind: 'probe' } & ProbeTask);

/** The result type of each task kind. */
export interface SandboxResults {
  'onnx.check': ModelCheckResult;
  'onnx.parity': ParityResult;
  'onnx.providers': ProvidersResult;
  'onnx.benchmark': BenchmarkResult;
  'onnx.memory': MemoryResult;
  'code.hidden-tests': CodeRunResult;
  'code.metrics': CodeMetrics;
  'archive.list': SourceArchiveResult;
  'report.check': ReportCheckResult;
  probe: ProbeResult;
}

export type SandboxTaskKind = SandboxTask['kind'];
export type SandboxResultOf<K extends SandboxTaskKind> = SandboxResults[K];
