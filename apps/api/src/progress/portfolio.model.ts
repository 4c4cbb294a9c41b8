import { Field, Float, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ChallengeKindEnum } from '../challenges/challenge.model';
import { VerdictEnum } from '../submissions/submission.model';
import { JournalEntry } from './journal.model';
import { Progress } from './progress.model';

export enum PortfolioItemKindEnum {
  CERTIFICATE = 'CERTIFICATE',
  REPORT = 'REPORT',
  STREAKS = 'STREAKS',
  JOURNAL_ENTRY = 'JOURNAL_ENTRY',
}
registerEnumType(PortfolioItemKindEnum, {
  name: 'PortfolioItemKind',
  description:
    "What a learner may show on their public portfolio: a result's CERTIFICATE (by certificate id), an approved REPORT (by submission id), their STREAKS (their progress; no itemId), a JOURNAL_ENTRY (by entry id).",
});

@InputType({ description: 'Shows one of your items on your public portfolio, or hides it again at once.' })
export class VisibilityInput {
  @Field(() => PortfolioItemKindEnum)
  itemKind!: PortfolioItemKindEnum;

  @Field(() => ID, {
    nullable: true,
    description: 'The certificate, report submission or journal entry id. STREAKS: leave it out (or pass your own user id).',
  })
  itemId?: string | null;

  @Field({ description: 'true: shown on your portfolio; false: private again.' })
  public!: boolean;
}

@ObjectType({ description: "A result's certificate as a portfolio shows it: what the signed certificate says, and where to check it." })
export class PortfolioCertificate {
  @Field(() => ID)
  certificateId!: string;

  @Field()
  challengeSlug!: string;

  @Field()
  challengeTitle!: string;

  @Field(() => ChallengeKindEnum)
  kind!: ChallengeKindEnum;

  @Field(() => VerdictEnum)
  verdict!: VerdictEnum;

  @Field(() => Float)
  points!: number;

  @Field(() => Float, { nullable: true, description: 'Median speedup over the reference (timed challenges).' })
  speedup!: number | null;

  @Field(() => Float, { nullable: true, description: "Lower bound of the speedup's 95% interval." })
  speedupLow!: number | null;

  @Field(() => Float, { nullable: true, description: "Upper bound of the speedup's 95% interval." })
  speedupHigh!: number | null;

  @Field()
  issuedAt!: Date;

  @Field({ description: 'Path of the shareable badge (GET, SVG): /badges/<certificateId>.svg.' })
  badgeUrl!: string;

  @Field({ description: 'Path of the signed certificate (GET, JSON) anyone may verify: /certificates/<certificateId>.' })
  certificateUrl!: string;
}

@ObjectType({ description: 'A documented result a mentor approved, as a portfolio shows it.' })
export class PortfolioReport {
  @Field(() => ID)
  submissionId!: string;

  @Field()
  challengeSlug!: string;

  @Field()
  challengeTitle!: string;

  @Field({ description: 'The report as written (Markdown).' })
  markdown!: string;

  @Field()
  approvedAt!: Date;

  @Field(() => Float, { nullable: true, description: "The points the mentor's approval granted." })
  approvedPoints!: number | null;
}

@ObjectType({
  description:
    'What a learner chose to show: anyone may read it, signed in or not. Items are read when asked, so one made private again is gone at once.',
})
export class Portfolio {
  @Field()
  handle!: string;

  /** Whose portfolio: not a field (fields resolve from it). */
  userId!: string;

  @Field(() => [PortfolioCertificate], { description: 'Public certificates (revoked ones are not shown), newest first.' })
  certificates!: PortfolioCertificate[];

  @Field(() => [PortfolioReport], { description: 'Public approved reports, most recently approved first.' })
  reports!: PortfolioReport[];

  @Field(() => Progress, { nullable: true, description: "The learner's progress and streaks, when they made STREAKS public; else null." })
  streaks!: Progress | null;

  @Field(() => [JournalEntry], { description: 'Public journal entries, newest first.' })
  journal!: JournalEntry[];
}
