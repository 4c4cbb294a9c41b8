/**
 * Every task the sandbox host runs, as plain data (it crosses the scorer → host IPC and the host →
 * Piscina worker boundary as a structured clone). One kind per sandbox function; the worker
 * (`sandboxes/worker.ts`) dispatches on `kind`. Nothing here imports from `apps/` or `libs/`.
 */
import type { CodeRunResult, CodeRunTask } from './code-runner/types';
import type { ProvidersResult, ProvidersTask } from './onnx/probe-providers';
import type { ParityResult, ParityTask } from './onnx/types';
import type { ProbeResult, ProbeTask } from './probe/types';

export type SandboxTask =
  | ({ kind: 'onnx.parity' } & ParityTask)
  | ({ kind: 'onnx.providers' } & ProvidersTask)
  | ({ kind: 'code.hidden-tests' } & CodeRunTask)
  | ({ kind: 'probe' } & ProbeTask);

/** The result type of each task kind. */
export interface SandboxResults {
  'onnx.parity': ParityResult;
  'onnx.providers': ProvidersResult;
  'code.hidden-tests': CodeRunResult;
  probe: ProbeResult;
}

export type SandboxTaskKind = SandboxTask['kind'];
export type SandboxResultOf<K extends SandboxTaskKind> = SandboxResults[K];
