import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CertificateIssuer,
  CodingSessionRepository,
  ScoringRepository,
  sqlExecutorFor,
  TransactionRunner,
  ReviewRepository,
  SubmissionRepository,
  type DbTransaction,
  type ScoringEnd,
  type ScoringInput,
} from '@app/db';
import { automaticReviewReason, ScoringFailureCode } from '@app/domain';
import { EventBus, leaderboardEvent, progressEvent, reviewEvent, submissionEvent } from '@app/events';
import type { ClaimedScoringJob } from '@app/queue';
import { ARTIFACT_STORE, ArtifactTooLargeError, type ArtifactStore } from '@app/storage';
import { SandboxHost } from '../sandbox/sandbox-host';
import { SCORER_SETTINGS, type ScorerSettings } from '../scorer-settings';
import { ScorerIdentity } from '../scorer-identity';
import { DEFAULT_SOURCE_ARCHIVE_LIMITS } from '../../../../sandboxes/archive/types';
import type { CodeLanguage } from '../../../../sandboxes/code-runner/types';
import { scoreCode } from './code-pipeline';
import { codeChallengeOf } from './code-scoring';
import { PlatformFault, scoreModel, SUPERSEDED } from './model-pipeline';
import { endFromReportCheck, reportCheckTask, reportEvidenceOf, reportSpecOf } from './report-scoring';
import { endFromCheck, endFromSandboxFailure, modelSpecOf, type ScoringEnvironment } from './model-scoring';
import { ReferenceModels } from './reference-models';

/**
 * Scores one submission for one claimed job: claim it (fencing out any earlier run), fetch its
 * bytes, run the sandbox task, write its one result. Anything the platform got wrong throws, so
 * pg-boss retries the job; what the submission got wrong ends it as REJECTED.
 */
type Progress = (phase: string, progress: number) => Promise<boolean>;

/** The execution provider of AI-free results: learner code runs in QuickJS compiled to WASM. */
const CODE_RUNTIME = 'quickjs-wasm';
/** The "execution provider" of report results: the Markdown is parsed (remark), never run. */
const REPORT_RUNTIME = 'remark';

@Injectable()
export class ScoringService {
  private readonly logger = new Logger('Scoring');

  constructor(
    private readonly scoring: ScoringRepository,
    private readonly transactions: TransactionRunner,
    private readonly events: EventBus,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    private readonly sandbox: SandboxHost,
    private readonly identity: ScorerIdentity,
    private readonly references: ReferenceModels,
    @Inject(SCORER_SETTINGS) private readonly settings: ScorerSettings,
    private readonly certificates: CertificateIssuer,
    private readonly codingSessions: CodingSessionRepository,
    private readonly reviews: ReviewRepository,
    private readonly submissions: SubmissionRepository,
  ) {}

  async score(job: ClaimedScoringJob): Promise<void> {
    const scorer = this.identity.registration();
    const claim = await this.transactions.run(async (tx) => {
      const claimed = await this.scoring.claim(job.submissionId, scorer.id, tx);
      if (claimed !== null) await this.announce(job.submissionId, tx);
      return claimed;
    });
    if (claim === null) return; // already ended (a duplicate delivery): nothing to do
    const input = await this.scoring.loadInput(job.submissionId);
    if (!input) throw new Error(`submission ${job.submissionId} vanished while claimed`);
    const progress = (phase: string, value: number) => this.progress(job.submissionId, claim, phase, value);
    const end =
      input.challenge.kind === 'AI_FREE_SESSION'
        ? await this.scoreCode(input, progress)
        : input.challenge.kind === 'DOCUMENT_RESULTS'
          ? await this.scoreReport(input, progress)
          : await this.scoreModel(job, input, progress);
    if (end === SUPERSEDED) return;

    const written = await this.transactions.run(async (tx) => {
      const standings = await this.scoring.finish(job.submissionId, claim, job.id, scorer.id, end, tx);
      if (!standings) return false;
      await this.events.publish(leaderboardEvent(standings), sqlExecutorFor(tx));
      await this.events.publish(progressEvent(input.userId), sqlExecutorFor(tx));
      // Every result is signed, rejected ones too: the evidence of what was measured.
      await this.certificates.issueForSubmission(job.submissionId, tx);
      await this.openReview(input, end, tx);
      await this.announce(job.submissionId, tx);
      return true;
    });
    if (!written) this.logger.warn(`submission ${job.submissionId}: claim ${claim} was superseded; its result was not written`);
  }

  /** OPTIMIZE_MODEL and PORT_TO_JAX: fetch the model (and source archive) within limits, then the model pipeline. */
  private async scoreModel(job: ClaimedScoringJob, input: ScoringInput, progress: Progress): Promise<ScoringEnd | typeof SUPERSEDED> {
    const spec = modelSpecOf(input);
    const environment = this.environment(spec.deviceClass, spec.session.executionProviders[0] ?? 'cpu', spec.session.intraOpNumThreads);

    if (!(await progress('fetching', 0.05))) return SUPERSEDED;
    const withinLimit = (sha256: string, limit: number) =>
      this.artifacts.read(sha256, limit).catch((error: unknown) => {
        if (error instanceof ArtifactTooLargeError) return null;
        throw error;
      });
    const sourceLimit = DEFAULT_SOURCE_ARCHIVE_LIMITS.maxArchiveBytes;
    const [candidate, reference, source] = await Promise.all([
      withinLimit(input.modelSha256!, spec.maxModelBytes),
      this.references.load(input.challenge.slug, input.challenge.definition),
      input.sourceSha256 ? withinLimit(input.sourceSha256, sourceLimit) : undefined,
    ]);
    const tooLarge =
      candidate === null
        ? {
            code: 'MODEL_TOO_LARGE',
            message: `the model is larger than this challenge's limit of ${spec.maxModelBytes} bytes; make it smaller`,
          }
        : source === null
          ? {
              code: 'SOURCE_ARCHIVE_TOO_LARGE',
              message: `the source archive is larger than ${sourceLimit} bytes; leave out data and build outputs`,
            }
          : null;
    return !tooLarge
      ? await scoreModel({
          spec,
          points: input.challenge.points,
          secretSeed: input.secretSeed,
          scoringNonce: job.id,
          reference,
          candidate: candidate!,
          source: source ?? null,
          environment,
          timeoutMs: this.settings.taskTimeoutMs,
          sandbox: this.sandbox,
          progress,
        })
      : endFromCheck(tooLarge, environment);
  }

  /** AI_FREE_SESSION: the code pipeline, judged with the edit log as it stood at submission. */
  private async scoreCode(input: ScoringInput, progress: Progress): Promise<ScoringEnd | typeof SUPERSEDED> {
    if (!input.code) throw new Error(`AI-free submission ${input.submissionId} holds no code`);
    const submitted = input.code;
    return scoreCode({
      challenge: codeChallengeOf(input),
      points: input.challenge.points,
      code: submitted.code,
      language: submitted.language as CodeLanguage,
      editLog: () => this.codingSessions.editLog(submitted.codingSessionId, submitted.editLogCutoffMs),
      submittedAtMs: submitted.editLogCutoffMs,
      environment: this.environment('cpu', CODE_RUNTIME, null),
      timeoutMs: this.settings.taskTimeoutMs,
      sandbox: this.sandbox,
      progress,
    });
  }

  /** DOCUMENT_RESULTS: the report checked in the sandbox against what its evidence measured. */
  private async scoreReport(input: ScoringInput, progress: Progress): Promise<ScoringEnd | typeof SUPERSEDED> {
    if (!input.report) throw new Error(`report submission ${input.submissionId} holds no report`);
    const spec = reportSpecOf(input);
    const evidence = await this.submissions.resultOf(input.report.evidenceSubmissionId);
    if (!evidence) throw new Error(`the evidence ${input.report.evidenceSubmissionId} of report ${input.submissionId} has no result`);
    if (!(await progress('checking', 0.2))) return SUPERSEDED;
    const environment = this.environment('cpu', REPORT_RUNTIME, null);
    const checked = await this.sandbox.run(
      reportCheckTask(spec, input.report.markdown, reportEvidenceOf(spec.documents, evidence.metrics)),
      { timeoutMs: this.settings.taskTimeoutMs },
    );
    if (!checked.ok) {
      const end = endFromSandboxFailure(checked, environment);
      if (!end) throw new PlatformFault(`${checked.code}: ${checked.message}`);
      return end;
    }
    return endFromReportCheck(input.challenge.points, input.report.evidenceSubmissionId, checked.result, environment);
  }

  private environment(deviceClass: string, executionProvider: string, intraOpNumThreads: number | null): ScoringEnvironment {
    const scorer = this.identity.registration();
    return {
      scorerId: scorer.id,
      host: scorer.host,
      scorerVersion: scorer.version,
      deviceClass,
      executionProvider,
      ortVersion: scorer.ortVersion,
      cpuModel: scorer.cpuModel,
      gpuModel: scorer.gpuModel,
      intraOpNumThreads,
    };
  }

  /** A job whose retries ran out: the submission FAILS by the platform's fault and does not use the quota. */
  async giveUp(job: ClaimedScoringJob): Promise<void> {
    await this.transactions.run(async (tx) => {
      const failed = await this.scoring.failForPlatform(
        job.submissionId,
        ScoringFailureCode.PlatformFailed,
        'the platform could not score this submission after several tries; it does not count toward your quota — rescore it',
        tx,
      );
      if (failed) await this.announce(job.submissionId, tx);
    });
  }

  /** @returns false when a later run of the job took the submission over: this run stops quietly. */
  private async progress(submissionId: string, claim: number, phase: string, progress: number): Promise<boolean> {
    const current = await this.transactions.run(async (tx) => {
      const updated = await this.scoring.progress(submissionId, claim, phase, progress, tx);
      if (updated) await this.announce(submissionId, tx);
      return updated;
    });
    if (!current) this.logger.warn(`submission ${submissionId}: claim ${claim} was superseded before ${phase}`);
    return current;
  }

  /**
   * A scored result of a kind that needs a review, or with flags (its own or its integrity
   * evidence's), opens the attempt's review, or moves it to this submission (a resubmission).
   */
  private async openReview(input: ScoringInput, end: ScoringEnd, tx: DbTransaction): Promise<void> {
    if (end.status !== 'SCORED') return;
    const integrity = end.result.metrics.integrity as { flags?: string[] } | undefined;
    const reason = automaticReviewReason(input.challenge.kind, [...end.result.flags, ...(integrity?.flags ?? [])]);
    if (!reason) return;
    const { review, changed } = await this.reviews.open(
      {
        attemptId: input.attemptId,
        submissionId: input.submissionId,
        learnerId: input.userId,
        challengeId: input.challenge.id,
        reason,
        actorId: null,
      },
      new Date(),
      tx,
    );
    if (changed) await this.events.publish(reviewEvent(review), sqlExecutorFor(tx));
  }

  private async announce(submissionId: string, tx: Parameters<typeof sqlExecutorFor>[0]): Promise<void> {
    const state = await this.scoring.state(submissionId, tx);
    if (state) await this.events.publish(submissionEvent(state), sqlExecutorFor(tx));
  }
}
