import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Challenge } from '../challenges/challenge.model';

export enum EditKindEnum {
  INSERT = 'INSERT',
  DELETE = 'DELETE',
  PASTE = 'PASTE',
  FOCUS_LOST = 'FOCUS_LOST',
  FOCUS_GAINED = 'FOCUS_GAINED',
}
registerEnumType(EditKindEnum, { name: 'EditKind', description: 'What an editor event did (docs/sessions.md).' });

@ObjectType({ description: 'A timed AI-free session: the clock runs from startedAt to deadline. The brief is on challenge.brief.' })
export class CodingSession {
  @Field(() => ID)
  id!: string;

  @Field(() => Challenge, { description: 'The challenge at the version the session is judged by.' })
  challenge!: Challenge;

  @Field()
  startedAt!: Date;

  @Field({ description: 'Edits are accepted until 5 s after it (SESSION_GRACE_MS).' })
  deadline!: Date;

  @Field(() => Float, { description: 'Milliseconds until the deadline, by the server clock when answering (0 once past).' })
  timeLeftMs!: number;

  @Field({ description: 'The name of the function to write.' })
  entryPoint!: string;

  @Field()
  signature!: string;

  @Field(() => [String], { description: 'Public examples: one call and its result each.' })
  examples!: string[];

  /** Resolved by CodingSessionsResolver. */
  attemptId!: string;
  userId!: string;
}

@InputType({ description: 'One editor event. Positions and lengths count UTF-16 code units.' })
export class EditEventInput {
  @Field(() => EditKindEnum)
  kind!: EditKindEnum;

  @Field(() => Float, { description: 'Milliseconds since the session started, by the client clock; never decreasing within a batch.' })
  at!: number;

  @Field(() => Int, { nullable: true, description: 'INSERT, PASTE, DELETE: offset in the document before the event.' })
  position?: number | null;

  @Field(() => String, { nullable: true, description: 'INSERT, PASTE: the inserted text.' })
  text?: string | null;

  @Field(() => Int, { nullable: true, description: 'DELETE: how many code units are removed.' })
  length?: number | null;
}

@InputType({ description: 'A batch of the edit log: seq 0, 1, 2, … per session; a resend with the same seq must be identical.' })
export class EditBatchInput {
  @Field(() => ID)
  sessionId!: string;

  @Field(() => Int)
  seq!: number;

  @Field(() => [EditEventInput], { description: 'At most 500 events; texts at most 64 KiB each, 256 KiB together.' })
  events!: EditEventInput[];
}

@ObjectType({ description: 'The receipt of an edit batch.' })
export class EditAck {
  @Field(() => ID)
  sessionId!: string;

  @Field(() => Int)
  seq!: number;

  @Field(() => [Int], { description: 'Seqs below the highest received that have not arrived: resend them.' })
  missing!: number[];

  @Field({ description: 'True when this seq was already stored with the same events (nothing was stored again).' })
  duplicate!: boolean;
}

@InputType({ description: 'The code written in an AI-free session, for scoring.' })
export class SubmitCodeInput {
  @Field(() => ID)
  sessionId!: string;

  @Field({ description: 'The module with the function the brief names; at most 64 KiB of UTF-8.' })
  code!: string;

  @Field({ description: '"javascript" or "typescript" (transpiled, not type-checked).' })
  language!: string;
}
