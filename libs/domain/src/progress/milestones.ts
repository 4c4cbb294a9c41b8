import type { Streak } from './streaks';

/** Milestones of the four habits (docs/progress.md). */
export enum MilestoneCode {
  /** The first PASSED OPTIMIZE_MODEL result: a model made measurably faster (the target, 10% by default). */
  First10PercentFaster = 'FIRST_10_PERCENT_FASTER',
  FirstAiFreePass = 'FIRST_AI_FREE_PASS',
  FirstJaxPortApproved = 'FIRST_JAX_PORT_APPROVED',
  FirstReportApproved = 'FIRST_REPORT_APPROVED',
  /** Four ISO weeks in a row with a full-length AI-free session (a month of the habit). */
  AiFreeStreak4Weeks = 'AI_FREE_STREAK_4_WEEKS',
  /** Seven days in a row with a journal entry. */
  JournalStreak7Days = 'JOURNAL_STREAK_7_DAYS',
}

export interface Milestone {
  code: MilestoneCode;
  /** When it was reached (streak milestones: null, they are reached by the run itself). */
  reachedAt: Date | null;
  /** The submission that reached it, where one did. */
  submissionId: string | null;
}

type First = { at: Date; submissionId: string } | null;

export const AI_FREE_STREAK_MILESTONE_WEEKS = 4;
export const JOURNAL_STREAK_MILESTONE_DAYS = 7;

/** The milestones reached, in a fixed order. */
export function milestonesOf(
  firsts: { firstOptimizePass: First; firstAiFreePass: First; firstPortApproved: First; firstReportApproved: First },
  streaks: { aiFree: Streak; journal: Streak },
): Milestone[] {
  const milestones: Milestone[] = [];
  const reached = (code: MilestoneCode, first: First) => {
    if (first) milestones.push({ code, reachedAt: first.at, submissionId: first.submissionId });
  };
  reached(MilestoneCode.First10PercentFaster, firsts.firstOptimizePass);
  reached(MilestoneCode.FirstAiFreePass, firsts.firstAiFreePass);
  reached(MilestoneCode.FirstJaxPortApproved, firsts.firstPortApproved);
  reached(MilestoneCode.FirstReportApproved, firsts.firstReportApproved);
  if (streaks.aiFree.longest >= AI_FREE_STREAK_MILESTONE_WEEKS) {
    milestones.push({ code: MilestoneCode.AiFreeStreak4Weeks, reachedAt: null, submissionId: null });
  }
  if (streaks.journal.longest >= JOURNAL_STREAK_MILESTONE_DAYS) {
    milestones.push({ code: MilestoneCode.JournalStreak7Days, reachedAt: null, submissionId: null });
  }
  return milestones;
}
