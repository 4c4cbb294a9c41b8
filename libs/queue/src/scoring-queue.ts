import { Logger } from '@nestjs/common';
import { PgBoss } from 'pg-boss';

/** What a job-queue write needs of an open transaction: pg-boss runs its INSERT through it. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface ScoringJob {
  submissionId: string;
}

/** A claimed job as a handler sees it. */
export interface ClaimedScoringJob {
  id: string;
  submissionId: string;
  /** Which run of the job this is (0 first; pg-boss counts re-claims after a failure or a dead worker). */
  retryCount: number;
  /** Aborted when the queue stops or the job is cancelled. */
  signal: AbortSignal;
}

export interface ScoringQueueOptions {
  /**
   * How often this process's pg-boss sweeps for jobs whose worker stopped beating (seconds). A
   * scorer's queue sweeps every 5 s so a SIGKILLed scorer's job is retried within about
   * heartbeat (10 s) + 5 s; pg-boss's default of 60 s would leave it for over a minute.
   */
  superviseIntervalSeconds?: number;
}

/** One queue per device class, so a CPU scorer never claims a job that needs a GPU (DESIGN.md §1). */
export function scoringQueueName(deviceClass: string): string {
  return `scoring-${deviceClass}`;
}
export const SCORING_DEAD_LETTER_QUEUE = 'scoring-dead-letter';
export const DEVICE_CLASSES = ['cpu', 'cuda'] as const;

/** Retries with backoff, then the dead letter; heartbeats ≥ 10 s (DESIGN.md §7: a SIGKILLed scorer's job runs again after ~11 s). */
const QUEUE_POLICY = {
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 300,
  heartbeatSeconds: 10,
  expireInSeconds: 3_600,
  deadLetter: SCORING_DEAD_LETTER_QUEUE,
} as const;

/**
 * The scoring queue on the platform's own PostgreSQL (pg-boss 12, schema `pgboss`). Jobs are
 * sent inside the transaction that creates the submission, so a submission exists if and only if
 * its job does. Started on first use: building the schema file needs no database.
 */
export class ScoringQueue {
  private readonly logger = new Logger('Queue');
  private boss: Promise<PgBoss> | undefined;

  private readonly working: string[] = [];

  constructor(
    private readonly databaseUrl: string,
    private readonly options: ScoringQueueOptions = {},
  ) {}

  /**
   * Works the scoring queues of these device classes, `concurrency` jobs at a time per queue.
   * A handler that throws fails the job: pg-boss retries it with backoff, then dead-letters it.
   */
  async work(deviceClasses: readonly string[], concurrency: number, handler: (job: ClaimedScoringJob) => Promise<void>): Promise<void> {
    const boss = await this.started();
    for (const deviceClass of deviceClasses) {
      const name = scoringQueueName(deviceClass);
      await boss.work<ScoringJob>(name, { batchSize: 1, localConcurrency: concurrency, pollingIntervalSeconds: 1 }, async (jobs) => {
        for (const job of jobs) {
          await handler({ id: job.id, submissionId: job.data.submissionId, retryCount: job.retryCount, signal: job.signal });
        }
      });
      this.working.push(name);
    }
  }

  /** Works the dead letter: jobs whose retries are exhausted. */
  async workDeadLetters(handler: (job: ClaimedScoringJob) => Promise<void>): Promise<void> {
    const boss = await this.started();
    await boss.work<ScoringJob>(SCORING_DEAD_LETTER_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
      for (const job of jobs) {
        await handler({ id: job.id, submissionId: job.data.submissionId, retryCount: job.retryCount, signal: job.signal });
      }
    });
    this.working.push(SCORING_DEAD_LETTER_QUEUE);
  }

  /**
   * Runs `handler` on a cron schedule (UTC). pg-boss keeps the schedule in the database and sends
   * one job per tick whichever processes run it, so N replicas calling this run the handler once
   * per tick between them, and a tick missed while every process was down runs at the next one.
   */
  async schedule(name: string, cron: string, handler: () => Promise<void>): Promise<void> {
    const boss = await this.started();
    await ensureQueue(boss, name, { retryLimit: 0, expireInSeconds: 300 });
    await boss.schedule(name, cron, null, { tz: 'UTC' });
    await boss.work(name, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => handler());
    this.working.push(name);
  }

  /** Enqueues scoring of a submission through `db` (the submission's transaction). @returns the job id */
  async enqueue(job: ScoringJob, deviceClass: string, db: SqlExecutor): Promise<string> {
    const boss = await this.started();
    const id = await boss.send(scoringQueueName(deviceClass), { ...job }, { db, singletonKey: job.submissionId });
    if (!id) throw new Error(`scoring job for ${job.submissionId} was not queued`);
    return id;
  }

  /**
   * Resolves when the queue can take jobs: pg-boss started (its schema and queues in place) and its
   * own connections answer (readiness, API.md: "database + queue"); rejects otherwise.
   */
  async ping(): Promise<void> {
    const boss = await this.started();
    if (!(await boss.getQueue(scoringQueueName(DEVICE_CLASSES[0]))))
      throw new Error(`queue ${scoringQueueName(DEVICE_CLASSES[0])} is missing`);
  }

  async stop(): Promise<void> {
    if (!this.boss) return;
    const boss = await this.boss.catch(() => undefined);
    this.boss = undefined;
    await boss?.stop({ graceful: true, timeout: 5_000 });
  }

  private started(): Promise<PgBoss> {
    this.boss ??= (async () => {
      const boss = new PgBoss({
        connectionString: this.databaseUrl,
        schema: 'pgboss',
        max: 4,
        ...(this.options.superviseIntervalSeconds ? { superviseIntervalSeconds: this.options.superviseIntervalSeconds } : {}),
      });
      boss.on('error', (error: Error) => this.logger.warn(`queue: ${error.message}`));
      await boss.start();
      await ensureQueue(boss, SCORING_DEAD_LETTER_QUEUE, {});
      for (const deviceClass of DEVICE_CLASSES) await ensureQueue(boss, scoringQueueName(deviceClass), QUEUE_POLICY);
      return boss;
    })().catch((error: unknown) => {
      this.boss = undefined;
      throw error;
    });
    return this.boss;
  }
}

async function ensureQueue(boss: PgBoss, name: string, options: object): Promise<void> {
  if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
}
