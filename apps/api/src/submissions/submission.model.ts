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
