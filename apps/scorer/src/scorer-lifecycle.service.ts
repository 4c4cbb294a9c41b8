import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ScorerRepository } from '@app/db';
import { ScoringQueue } from '@app/queue';
import { SandboxHost } from './sandbox/sandbox-host';
import { SCORER_SETTINGS, type ScorerSettings } from './scorer-settings';
import { ScorerIdentity } from './scorer-identity';
import { ScoringService } from './scoring/scoring.service';

/** How often a scorer says it is alive (the fleet view counts it alive for three beats). */
export const SCORER_HEARTBEAT_MS = 5_000;

/**
 * A scorer's life: start the sandbox host, probe what it can run, register, beat, work the queues
 * of its device classes (and the dead letter); on shutdown stop taking jobs, let the running ones
 * end within the shutdown timeout, stop the host, and mark itself stopped.
 */
@Injectable()
export class ScorerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scorer');
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly sandbox: SandboxHost,
    private readonly identity: ScorerIdentity,
    private readonly scorers: ScorerRepository,
    private readonly queue: ScoringQueue,
    private readonly scoring: ScoringService,
    @Inject(SCORER_SETTINGS) private readonly settings: ScorerSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sandbox.start();
    const me = await this.identity.establish(this.sandbox, this.settings.taskTimeoutMs);
    await this.scorers.register(me);
    this.heartbeat = setInterval(() => {
      this.scorers.heartbeat(me.id).catch((error: unknown) => this.logger.warn(`heartbeat failed: ${(error as Error).message}`));
    }, SCORER_HEARTBEAT_MS);
    this.heartbeat.unref();
    await this.queue.work(me.deviceClasses, this.settings.concurrency, (job) => this.scoring.score(job));
    await this.queue.workDeadLetters((job) => this.scoring.giveUp(job));
    this.logger.log(
      `scorer ${me.id} on ${me.host}: device classes ${me.deviceClasses.join(', ')}; ONNX Runtime ${me.ortVersion}; ${me.cpuModel}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.queue.stop();
    await this.sandbox.stop();
    const me = this.identityOrNull();
    if (me) await this.scorers.stopped(me.id).catch(() => undefined);
  }

  private identityOrNull() {
    try {
      return this.identity.registration();
    } catch {
      return null;
    }
  }
}
