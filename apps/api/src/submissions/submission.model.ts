import { Field, ID, InputType, ObjectType, registerEnumType, Float } from '@nestjs/graphql';
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

  /** Resolved by SubmissionsResolver. */
  attemptId!: string;
  challengeId!: string;
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
