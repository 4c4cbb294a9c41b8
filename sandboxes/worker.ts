/**
 * The Piscina worker of the sandbox host (apps/scorer/src/sandbox/host.main.ts): one task in, one
 * plain result out. Loaded by Piscina from its compiled file, dist/sandboxes/worker.js.
 */
import { listSourceArchive } from './archive';
import { measureCode, runHiddenTests } from './code-runner';
import { benchmarkModels, checkModel, evaluateParity, measureModelMemory } from './onnx';
import { probeProviders } from './onnx/probe-providers';
import { runProbe } from './probe';
import { checkReport } from './report';
import type { SandboxResults, SandboxTask } from './task';

export default async function runSandboxTask(task: SandboxTask): Promise<SandboxResults[SandboxTask['kind']]> {
  switch (task.kind) {
    case 'code.hidden-tests':
      return runHiddenTests(task);
    case 'code.metrics':
      return measureCode(task);
    case 'onnx.check':
      return checkModel(task);
    case 'onnx.parity':
      return evaluateParity(task);
    case 'onnx.providers':
      return probeProviders(task);
    case 'onnx.benchmark':
      return benchmarkModels(task);
    case 'onnx.memory':
      return measureModelMemory(task);
    case 'archive.list':
      return listSourceArchive(task);
    case 'report.check':
      return checkReport(task);
    case 'probe':
      return runProbe(task);
    default:
      return assertUnreachable(task);
  }
}

function assertUnreachable(task: never): never {
  throw new TypeError(`unknown sandbox task kind ${JSON.stringify((task as { kind?: unknown }).kind)}`);
}
