import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { buildModelBytes, GraphBuilder } from '@app/catalog';
import { projectRoot } from '@app/config';
import type { ScorerRegistration } from '@app/db';
import type { SandboxHost } from './sandbox/sandbox-host';

/** Execution providers worth probing, each with the device class it serves. */
const PROVIDER_DEVICE_CLASSES = [
  { provider: 'cuda', deviceClass: 'cuda' },
  { provider: 'cpu', deviceClass: 'cpu' },
] as const;

/**
 * Who this scorer is and what it can run. Execution providers are probed one at a time, inside
 * the sandbox host (ONNX Runtime throws when asked for a provider it lacks, and never runs in the
 * scorer's own process), each by creating a session for a one-node model.
 */
@Injectable()
export class ScorerIdentity {
  private current: ScorerRegistration | undefined;

  /** Probes the host and fixes this process's identity (a new id per process). */
  async establish(sandbox: SandboxHost, timeoutMs: number): Promise<ScorerRegistration> {
    const outcome = await sandbox.run(
      { kind: 'onnx.providers', model: identityModel(), candidates: PROVIDER_DEVICE_CLASSES.map((entry) => entry.provider) },
      { timeoutMs },
    );
    if (!outcome.ok) throw new Error(`probing execution providers failed: ${outcome.code}: ${outcome.message}`);
    const available = new Set(outcome.result.available);
    const deviceClasses = PROVIDER_DEVICE_CLASSES.filter((entry) => available.has(entry.provider)).map((entry) => entry.deviceClass);
    if (deviceClasses.length === 0) throw new Error('no execution provider works on this machine; the scorer cannot score anything');
    this.current = {
      id: randomUUID(),
      host: hostname(),
      pid: process.pid,
      version: projectVersion(),
      deviceClasses,
      executionProviders: outcome.result.available,
      ortVersion: outcome.result.ortVersion,
      cpuModel: cpus()[0]?.model.trim() || 'unknown',
      gpuModel: null,
    };
    return this.current;
  }

  registration(): ScorerRegistration {
    if (!this.current) throw new Error('the scorer has not established its identity yet');
    return this.current;
  }
}

function identityModel(): Uint8Array {
  const graph = new GraphBuilder('provider-probe');
  const x = graph.input('x', 'float32', [1]);
  graph.op('Identity', [x], {}, { output: 'y' });
  graph.output('y', 'float32', [1]);
  return buildModelBytes(graph);
}

function projectVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
