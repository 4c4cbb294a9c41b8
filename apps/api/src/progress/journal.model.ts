import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { JournalEntryRecord } from '@app/db';
import { JOURNAL_EDIT_WINDOW_MS } from '@app/domain';
import { Connection } from '../graphql/pagination/connection.model';

@ObjectType({
  description: 'One entry of a learning journal: what was tried, what failed, what was learned. Private unless the learner publishes it.',
})
export class JournalEntry {
  @Field(() => ID)
  id!: string;

  @Field()
  tried!: string;

  @Field(() => String, { nullable: true })
  failed!: string | null;

  @Field()
  learned!: string;

  @Field(() => Int, { description: 'Minutes spent: 1 to 1,440.' })
  minutes!: number;

  @Field(() => [String], { description: 'http(s) links: at most 5, each at most 500 characters.' })
  links!: string[];

  @Field({ description: 'The learner’s calendar day (YYYY-MM-DD) when it was written, in `timeZone`: the day it counts for the streak.' })
  localDate!: string;

  /** Not a GraphQL field here: `timeZone` is resolved by JournalEntryResolver (the owner sees it; a public entry does not show it). */
  timeZone!: string;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field({ description: 'Until when it can be edited (24 hours after it was written); then it is kept as written.' })
  editableUntil!: Date;

  /** Not a GraphQL field here: `isPublic` is resolved by JournalEntryResolver (the portfolio decides it). */
  userId!: string;
}

@ObjectType()
export class JournalEntryConnection extends Connection(JournalEntry) {}

@InputType({ description: 'A journal entry. `tried`, `failed` and `learned` are at most 2,000 characters each.' })
export class JournalEntryInput {
  @Field({ description: 'What you tried (required, at most 2,000 characters).' })
  tried!: string;

  @Field(() => String, { nullable: true, description: 'What failed, if anything.' })
  failed?: string | null;

  @Field({ description: 'What you learned (required, at most 2,000 characters).' })
  learned!: string;

  @Field(() => Int, { description: 'Minutes spent: 1 to 1,440.' })
  minutes!: number;

  @Field(() => [String], { nullable: true, description: 'http(s) links: at most 5, each at most 500 characters.' })
  links?: string[] | null;
}

/** The GraphQL shape of a stored entry. */
export function toJournalEntry(record: JournalEntryRecord): JournalEntry {
  return { ...record, editableUntil: new Date(record.createdAt.getTime() + JOURNAL_EDIT_WINDOW_MS) };
}
