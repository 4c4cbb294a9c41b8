import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../graphql/pagination/connection.model';

export enum SubmissionStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SCORED = 'SCORED',
  REJECTED = 'REJECTED',
  FAILED = 'FAILED',
}
registerEnumType(SubmissionStatusEnum, { name: 'SubmissionStatus' });

@ObjectType({ description: 'Something handed in for scoring.' })
export class Submission {
  @Field(() => ID)
  id!: string;

  @Field(() => SubmissionStatusEnum)
  status!: SubmissionStatusEnum;

  @Field({ nullable: true, description: 'What the scorer is doing now (while RUNNING).' })
  phase?: string;

  @Field(() => Float, { nullable: true, description: '0–1 while RUNNING.' })
  progress?: number;

  @Field()
  createdAt!: Date;

  @Field(() => ID, { nullable: true, description: 'The submission this one scores again (rescore).' })
  rescoreOfId?: string | null;

  @Field({ description: 'False for admin rescores and platform failures: they do not use the daily quota.' })
  countsTowardQuota!: boolean;

  /** Resolved by SubmissionsResolver. */
  attemptId!: string;
  challengeId!: string;
  userId!: string;
  rejectionCode!: string | null;
  rejectionMessage!: string | null;
}

@ObjectType()
export class SubmissionConnection extends Connection(Submission) {}

@InputType()
export class SubmitModelInput {
  @Field(() => ID)
  attemptId!: string;

  @Field({ description: 'sha256 of the ONNX model you uploaded with PUT /artifacts.' })
  modelSha256!: string;

  @Field(() => String, { nullable: true, description: 'PORT_TO_JAX: sha256 of the uploaded source archive of the port.' })
  sourceSha256?: string | null;
}

@InputType()
export class SubmitReportInput {
  @Field(() => ID, { description: 'Your attempt at a DOCUMENT_RESULTS challenge (startAttempt).' })
  attemptId!: string;

  @Field({ description: 'The report, Markdown (GFM); at most 200 KB of UTF-8.' })
  markdown!: string;

  @Field(() => ID, {
    description: 'One of your SCORED submissions of the kind the challenge documents: the numbers are checked against it.',
  })
  evidenceSubmissionId!: string;
}

@ObjectType({ description: 'Why a submission was REJECTED (or FAILED by the platform), and what to change.' })
export class Rejection {
  @Field({ description: 'e.g. PARITY_FAILED, MODEL_UNLOADABLE, SANDBOX_TIMEOUT, SANDBOX_LIMIT, PLATFORM_FAILED.' })
  code!: string;

  @Field()
  message!: string;
}

export enum VerdictEnum {
  PASSED = 'PASSED',
  INCONCLUSIVE = 'INCONCLUSIVE',
  FAILED = 'FAILED',
}
registerEnumType(VerdictEnum, { name: 'Verdict' });

@ObjectType({ description: 'Parity of one output with the reference, over every hidden batch.' })
export class OutputParity {
  @Field()
  name!: string;

  @Field()
  passed!: boolean;

  @Field(() => Float, { nullable: true, description: '‖out − ref‖ / ‖ref‖ over all batches.' })
  relativeL2?: number | null;

  @Field(() => Float, { nullable: true })
  worstAbsError?: number | null;

  @Field(() => [Int], { nullable: true, description: 'Index of the worst element within its batch.' })
  worstIndex?: number[] | null;

  @Field(() => Int, { nullable: true })
  worstBatch?: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of elements within atol + rtol·|ref|.' })
  withinTolerance?: number | null;

  @Field(() => Int, { description: 'NaN or ±Inf elements.' })
  nonFinite!: number;

  @Field(() => Float, { nullable: true, description: 'top1 metric: share of rows whose argmax agrees.' })
  top1Agreement?: number | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@ObjectType({ description: 'How the submission compared with the reference on hidden inputs.' })
export class ParityReport {
  @Field()
  passed!: boolean;

  @Field(() => Int)
  batches!: number;

  @Field(() => [OutputParity])
  outputs!: OutputParity[];
}

@ObjectType({ description: "A file of a JAX port's source archive, as listed for review (never run)." })
export class SourceFile {
  @Field()
  path!: string;

  @Field(() => Int)
  bytes!: number;

  @Field()
  sha256!: string;

  @Field(() => Int)
  lines!: number;
}

@ObjectType({ description: 'Where and with what it was measured.' })
export class ScoringEnvironment {
  @Field()
  deviceClass!: string;

  @Field()
  executionProvider!: string;

  @Field()
  ortVersion!: string;

  @Field()
  cpuModel!: string;

  @Field(() => String, { nullable: true })
  gpuModel?: string | null;

  @Field()
  scorerVersion!: string;

  @Field(() => Int, { nullable: true, description: 'Intra-op threads both models were timed with.' })
  intraOpNumThreads?: number | null;

  @Field()
  host!: string;
}

@ObjectType({ description: 'One hidden test: its name and how it ended (never its data).' })
export class TestCase {
  @Field()
  name!: string;

  @Field()
  passed!: boolean;

  @Field({
    description:
      'PASSED, WRONG_ANSWER, TIME_LIMIT, MEMORY_LIMIT, RUNTIME_ERROR, OUTPUT_LIMIT, or SKIPPED (not run after two tests ran out of time or memory).',
  })
  outcome!: string;

  @Field(() => Float, { nullable: true, description: 'Time in the sandbox: loading your module, the call, serialising the result.' })
  ms?: number | null;

  @Field(() => String, { nullable: true, description: 'For RUNTIME_ERROR: COMPILE_ERROR, THROWN, STACK_OVERFLOW, RESULT_NOT_JSON, …' })
  errorKind?: string | null;
}

@ObjectType({ description: 'AI-free: the hidden tests your code ran.' })
export class TestReport {
  @Field(() => Int)
  passed!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => String, { nullable: true, description: 'Why the code did not compile (positions in your own source).' })
  compileError?: string | null;

  @Field(() => [TestCase])
  cases!: TestCase[];
}

@ObjectType({ description: 'One column of the side-by-side comparison.' })
export class CodeSide {
  @Field(() => Int)
  testsPassed!: number;

  @Field(() => Int)
  testsTotal!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median time spent in all the tests over repeated runs (alone on the host, alternating with the other side); null when the code ran out of time or memory.',
  })
  medianRunMs?: number | null;

  @Field(() => Int, { description: 'Timed runs behind medianRunMs.' })
  runs!: number;

  @Field(() => Int, { nullable: true, description: 'Lines with code (blank and comment-only lines left out).' })
  lines?: number | null;

  @Field(() => Int, { nullable: true, description: "McCabe's cyclomatic complexity of the whole file." })
  cyclomaticComplexity?: number | null;

  @Field(() => Int, { nullable: true })
  functions?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why lines, complexity and functions are null: TOO_LARGE, or TOO_DEEP (nested deeper than the parser follows).',
  })
  metricsNotMeasured?: string | null;
}

@ObjectType({ description: 'AI-free: your solution beside the AI-written one, through the same tests and measurements.' })
export class CodeComparison {
  @Field(() => CodeSide)
  learner!: CodeSide;

  @Field(() => CodeSide)
  ai!: CodeSide;
}

@ObjectType({
  description: 'AI-free: what the edit log shows, for your mentors. Flags point at something to look at; they never fail a submission.',
})
export class IntegrityReport {
  @Field({ description: 'The edit log replays exactly to the submitted code.' })
  replayMatches!: boolean;

  @Field(() => Int, { description: 'How far the replay is from the submitted code (0 when it matches).' })
  replayDistance!: number;

  @Field(() => Int, { description: 'Characters pasted from outside the session.' })
  pastedChars!: number;

  @Field(() => Int, { description: 'Characters pasted from text already in the session (moved or duplicated code).' })
  internalPastedChars!: number;

  @Field(() => Float, { description: 'Share of the final code pasted from outside the session.' })
  pastedShare!: number;

  @Field(() => Int)
  pasteCount!: number;

  @Field(() => Int, { description: 'Large insertions without a paste event.' })
  burstCount!: number;

  @Field(() => Float, { description: 'Total time the editor was out of focus.' })
  focusLostMs!: number;

  @Field(() => Int)
  typedChars!: number;

  @Field(() => Float, { nullable: true, description: 'Median gap between keystrokes (pauses over 2 s left out).' })
  typingMedianIntervalMs?: number | null;

  @Field(() => [Int], { description: 'Edit batches missing from the log.' })
  missingBatches!: number[];

  @Field(() => [String], {
    description:
      'REPLAY_MISMATCH, REPLAY_ERRORS, MISSING_BATCHES, EXTERNAL_PASTE, INSERT_BURSTS, LONG_FOCUS_LOSS, NO_EDIT_LOG, CLIENT_CLOCK_SUSPECT.',
  })
  flags!: string[];
}

@ObjectType()
export class ReportHeadingView {
  @Field(() => Int)
  depth!: number;

  @Field()
  text!: string;

  @Field(() => Int)
  line!: number;

  @Field({ description: 'Anchor a review comment to it as "heading:<anchor>".' })
  anchor!: string;
}

@ObjectType()
export class ReportSectionView {
  @Field({ description: 'The section the challenge requires.' })
  required!: string;

  @Field(() => String, { nullable: true, description: 'The heading that provides it (synonyms allowed), or null when missing.' })
  heading!: string | null;

  @Field(() => Int, { nullable: true })
  line!: number | null;
}

@ObjectType({ description: 'One automatic check of a report, explained.' })
export class ReportCheckView {
  @Field({
    description: 'SECTION_PRESENT, RESULTS_TABLE, REPRODUCTION_COMMANDS, CLAIM_SPEEDUP, CLAIM_LATENCY, CLAIM_MEMORY, CLAIM_ACCURACY.',
  })
  name!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field()
  passed!: boolean;

  @Field()
  explanation!: string;

  @Field(() => Int, { nullable: true })
  line!: number | null;
}

@ObjectType({ description: 'A number the report claims, compared with what the evidence measured.' })
export class ReportClaimView {
  @Field({ description: 'speedup, latency, memory or accuracy.' })
  kind!: string;

  @Field()
  text!: string;

  @Field(() => Float)
  value!: number;

  @Field()
  unit!: string;

  @Field(() => Int)
  line!: number;

  @Field({ description: 'prose, heading or table.' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'What it was compared with, e.g. "95% interval 1.52–1.61×".' })
  measured!: string | null;

  @Field({ description: 'CONSISTENT, EXCEEDS or UNVERIFIABLE.' })
  verdict!: string;
}

@ObjectType({ description: 'DOCUMENT_RESULTS: the automatic checks of the report.' })
export class ReportChecks {
  @Field(() => ID, { description: 'The scored submission the report documents.' })
  evidenceSubmissionId!: string;

  @Field(() => Int)
  bytes!: number;

  @Field(() => [String], { description: 'Required sections the report lacks, in the order required.' })
  missingSections!: string[];

  @Field(() => Int, { description: 'Claims beyond their measurement.' })
  overclaims!: number;

  @Field(() => [ReportHeadingView])
  headings!: ReportHeadingView[];

  @Field(() => [ReportSectionView])
  sections!: ReportSectionView[];

  @Field(() => [ReportCheckView])
  checks!: ReportCheckView[];

  @Field(() => [ReportClaimView])
  claims!: ReportClaimView[];

  @Field(() => Int, { description: 'Claims judged but not listed.' })
  claimsOmitted!: number;
}

@ObjectType({ description: 'The measured outcome of a scoring.' })
export class Result {
  @Field(() => VerdictEnum)
  verdict!: VerdictEnum;

  @Field(() => Float)
  points!: number;

  @Field(() => Float, { nullable: true, description: 'Median of the per-round speedups (baseline time / yours).' })
  speedup?: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower bound of the 95% bootstrap interval of the speedup.' })
  speedupLow?: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper bound of the 95% bootstrap interval of the speedup.' })
  speedupHigh?: number | null;

  @Field(() => Float, { nullable: true, description: "The speedup the interval's lower bound must reach." })
  targetSpeedup?: number | null;

  @Field(() => Float, { nullable: true })
  baselineP50Ms?: number | null;

  @Field(() => Float, { nullable: true })
  baselineP90Ms?: number | null;

  @Field(() => Float, { nullable: true })
  candidateP50Ms?: number | null;

  @Field(() => Float, { nullable: true })
  candidateP90Ms?: number | null;

  @Field(() => Float, { nullable: true, description: 'Peak resident memory of the reference while running, in its own process.' })
  baselinePeakMemoryBytes?: number | null;

  @Field(() => Float, { nullable: true, description: 'Peak resident memory of your model while running, in its own process.' })
  candidatePeakMemoryBytes?: number | null;

  @Field(() => ParityReport, { nullable: true })
  parity?: ParityReport | null;

  @Field(() => [SourceFile], { nullable: true, description: "PORT_TO_JAX: the files of the source archive, for the mentor's review." })
  sourceFiles?: SourceFile[] | null;

  @Field(() => TestReport, { nullable: true, description: 'AI-free: the hidden tests, passed of total, each with its outcome.' })
  tests?: TestReport | null;

  @Field(() => CodeComparison, { nullable: true, description: 'AI-free: your solution beside the AI-written one.' })
  comparison?: CodeComparison | null;

  @Field(() => IntegrityReport, {
    nullable: true,
    description: 'AI-free: evidence from the edit log, visible to you, your mentors and admins (never other learners).',
  })
  integrity?: IntegrityReport | null;

  @Field(() => ReportChecks, { nullable: true, description: 'DOCUMENT_RESULTS: every automatic check of the report, explained.' })
  reportChecks?: ReportChecks | null;

  @Field(() => ScoringEnvironment)
  environment!: ScoringEnvironment;

  @Field(() => [String], { description: 'e.g. SPEEDUP_NOT_MEASURED, SPEEDUP_IMPLAUSIBLE.' })
  flags!: string[];

  @Field(() => ID, {
    nullable: true,
    description: 'Its signed certificate, once issued: GET /certificates/:id (public), checked by verifyCertificate.',
  })
  certificateId!: string | null;

  @Field()
  createdAt!: Date;
}
