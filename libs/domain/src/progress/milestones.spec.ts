import { MilestoneCode, milestonesOf } from './milestones';

describe('milestones', () => {
  const none = { firstOptimizePass: null, firstAiFreePass: null, firstPortApproved: null, firstReportApproved: null };
  const flat = { aiFree: { current: 0, longest: 0 }, journal: { current: 0, longest: 0 } };

  it('has none before anything happened', () => {
    expect(milestonesOf(none, flat)).toEqual([]);
  });

  it('names the first 10% faster result with its time and submission, and the first pass or approval of each habit', () => {
    const at = new Date('2026-11-30T10:00:00Z');
    const milestones = milestonesOf(
      { ...none, firstOptimizePass: { at, submissionId: 's1' }, firstReportApproved: { at, submissionId: 's2' } },
      flat,
    );
    expect(milestones).toEqual([
      { code: MilestoneCode.First10PercentFaster, reachedAt: at, submissionId: 's1' },
      { code: MilestoneCode.FirstReportApproved, reachedAt: at, submissionId: 's2' },
    ]);
  });

  it('counts streak milestones from the longest run, so a broken streak keeps what it reached', () => {
    const codes = (aiFree: number, journal: number) =>
      milestonesOf(none, { aiFree: { current: 0, longest: aiFree }, journal: { current: 0, longest: journal } }).map((m) => m.code);
    expect(codes(3, 6)).toEqual([]);
    expect(codes(4, 7)).toEqual([MilestoneCode.AiFreeStreak4Weeks, MilestoneCode.JournalStreak7Days]);
  });
});
