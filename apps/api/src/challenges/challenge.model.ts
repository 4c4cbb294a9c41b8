import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../graphql/pagination/connection.model';

export enum ChallengeKindEnum {
  OPTIMIZE_MODEL = 'OPTIMIZE_MODEL',
  PORT_TO_JAX = 'PORT_TO_JAX',
  DOCUMENT_RESULTS = 'DOCUMENT_RESULTS',
  AI_FREE_SESSION = 'AI_FREE_SESSION',
}
registerEnumType(ChallengeKindEnum, { name: 'ChallengeKind', description: 'The four habits a challenge trains.' });

@ObjectType({ description: 'A file offered with a challenge; GET its url (the ETag is its sha256).' })
export class ChallengeAsset {
  @Field()
  name!: string;

  @Field()
  sha256!: string;

  @Field(() => Int)
  size!: number;

  @Field()
  url!: string;
}

@ObjectType()
export class TensorSpec {
  @Field()
  name!: string;

  @Field()
  dtype!: string;

  @Field(() => [String], { description: 'Sizes; a name is a symbolic dimension.' })
  shape!: string[];
}

@ObjectType({ description: 'How an OPTIMIZE_MODEL or PORT_TO_JAX submission is judged.' })
export class ModelChallengeSpec {
  @Field()
  deviceClass!: string;

  @Field(() => Float, { nullable: true, description: 'OPTIMIZE_MODEL: the lower 95% bound of the median speedup must reach this.' })
  targetSpeedup!: number | null;

  @Field(() => [TensorSpec])
  inputs!: TensorSpec[];

  @Field(() => [TensorSpec])
  outputs!: TensorSpec[];

  @Field({ description: '"tolerance" (rtol/atol) or "top1" (agreement).' })
  parityMetric!: string;

  @Field(() => Float, { nullable: true })
  rtol!: number | null;

  @Field(() => Float, { nullable: true })
  atol!: number | null;

  @Field(() => Float, { nullable: true })
  minTop1Agreement!: number | null;

  @Field(() => Int)
  parityBatches!: number;

  @Field()
  graphOptimizationLevel!: string;

  @Field(() => Int)
  intraOpNumThreads!: number;

  @Field(() => [String])
  executionProviders!: string[];

  @Field(() => Int)
  maxModelBytes!: number;

  @Field(() => [String], { description: 'PORT_TO_JAX: what the mentor checks in the source archive.' })
  reviewChecklist!: string[];
}

@ObjectType({ description: 'The timed AI-free session: the function to write.' })
export class SessionChallengeSpec {
  @Field(() => Int)
  timeLimitMinutes!: number;

  @Field()
  entryPoint!: string;

  @Field()
  signature!: string;

  @Field(() => [String])
  examples!: string[];
}

@ObjectType()
export class RubricCriterion {
  @Field()
  criterion!: string;

  @Field()
  description!: string;

  @Field(() => Int)
  maxScore!: number;
}

@ObjectType({ description: 'What a DOCUMENT_RESULTS report must contain and how a mentor scores it.' })
export class ReportChallengeSpec {
  @Field(() => ChallengeKindEnum, { description: 'The kind of scored result the report documents.' })
  documents!: ChallengeKindEnum;

  @Field(() => [String])
  requiredSections!: string[];

  @Field(() => [RubricCriterion])
  rubric!: RubricCriterion[];

  @Field(() => Float)
  claimTolerance!: number;

  @Field(() => Int)
  maxReportBytes!: number;
}

@ObjectType({ description: 'A challenge at its current version. Never holds hidden inputs, hidden tests or the AI-written solution.' })
export class Challenge {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field(() => ChallengeKindEnum)
  kind!: ChallengeKindEnum;

  @Field()
  title!: string;

  @Field({ description: 'Markdown.' })
  brief!: string;

  @Field(() => Int, { description: 'Bumped whenever the definition changes; results keep the version they were scored on.' })
  version!: number;

  @Field(() => Float)
  points!: number;

  @Field()
  difficulty!: string;

  @Field(() => Int, { description: 'Submissions per learner per day (UTC).' })
  dailyQuota!: number;

  @Field()
  retired!: boolean;

  @Field(() => [ChallengeAsset])
  assets!: ChallengeAsset[];

  @Field(() => ModelChallengeSpec, { nullable: true })
  modelSpec!: ModelChallengeSpec | null;

  @Field(() => SessionChallengeSpec, { nullable: true })
  sessionSpec!: SessionChallengeSpec | null;

  @Field(() => ReportChallengeSpec, { nullable: true })
  reportSpec!: ReportChallengeSpec | null;
}

@ObjectType()
export class ChallengeConnection extends Connection(Challenge) {}

@ObjectType({ description: 'Submissions used today, the daily limit, and when it resets (midnight UTC).' })
export class Quota {
  @Field(() => Int)
  used!: number;

  @Field(() => Int)
  limit!: number;

  @Field()
  resetsAt!: Date;
}

@ObjectType({ description: "A learner's work on one version of a challenge. Its secret seed never leaves the server." })
export class Attempt {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The challenge version this attempt is judged by.' })
  challengeVersion!: number;

  @Field()
  createdAt!: Date;

  /** Resolved by AttemptsResolver. */
  challengeId!: string;
  userId!: string;
}

@ObjectType()
export class SyncReport {
  @Field(() => [String])
  created!: string[];

  @Field(() => [String], { description: 'Challenges that got a new version.' })
  updated!: string[];

  @Field(() => [String])
  unchanged!: string[];

  @Field(() => [String])
  retired!: string[];
}
