import type { AppConfig } from '@app/config';

/** What a scorer is told by configuration (libs/config). */
export interface ScorerSettings {
  concurrency: number;
  taskTimeoutMs: number;
  /** Address-space cap of the sandbox host; undefined: its default. */
  sandboxMemoryBytes: number | undefined;
}

export const SCORER_SETTINGS = Symbol('SCORER_SETTINGS');

export function scorerSettings(config: AppConfig): ScorerSettings {
  return {
    concurrency: config.scorerConcurrency,
    taskTimeoutMs: config.sandboxTaskTimeoutMs,
    sandboxMemoryBytes: config.sandboxMemoryMb === undefined ? undefined : config.sandboxMemoryMb * 1024 * 1024,
  };
}
