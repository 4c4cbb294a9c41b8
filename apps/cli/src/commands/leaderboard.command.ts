import { ExitCode, UsageError } from '../cli-errors';
import type { CommandSpec } from '../command';
import { renderTable } from '../render/table';

interface LeaderboardRow {
  rank: number;
  handle: string;
  team: string | null;
  points: number;
  speedup: number | null;
  isBaseline: boolean;
  achievedAt: string;
}

const leaderboard: CommandSpec = {
  name: 'leaderboard',
  summary: "show a challenge's, the global or the team standings",
  args: [{ name: 'slug', optional: true, description: "a challenge's board; without it, the global board" }],
  options: {
    team: { type: 'boolean', description: 'the team board (sums of current members; no slug)' },
    week: { type: 'boolean', description: 'this ISO week only (UTC, from Monday)' },
    first: { type: 'string', value: 'n', description: 'how many rows: 1–100 (default 20)' },
  },
  description: [
    "With a slug: each learner's best counted result on that challenge (CHALLENGE). Without: the sum of each learner's bests (GLOBAL). --team: teams' totals (TEAM). Public: no login needed.",
  ],
  examples: ['proving leaderboard pruned-mlp-speedup', 'proving leaderboard --week', 'proving leaderboard --team --json'],
  async run(context, input) {
    const slug = input.args.slug;
    if (slug !== undefined && input.options.team) throw new UsageError('--team ranks teams over every challenge: leave out the slug');
    const firstText = (input.options.first as string | undefined) ?? '20';
    const first = Number(firstText);
    if (!/^\d+$/.test(firstText) || first < 1 || first > 100)
      throw new UsageError(`--first must be a whole number from 1 to 100 (got '${firstText}')`);
    const scope = input.options.team ? 'TEAM' : slug !== undefined ? 'CHALLENGE' : 'GLOBAL';
    const period = input.options.week ? 'WEEK' : 'ALL_TIME';
    const { leaderboard: page } = await context.maybeSignedIn().graphql<{ leaderboard: { edges: Array<{ node: LeaderboardRow }> } }>(
      `query($scope: LeaderboardScope!, $slug: String, $period: Period, $first: Int!) {
          leaderboard(scope: $scope, challengeSlug: $slug, period: $period, first: $first) {
            edges { node { rank handle team points speedup isBaseline achievedAt } } } }`,
      { scope, slug: slug ?? null, period, first },
    );
    const rows = page.edges.map((edge) => edge.node);
    context.emit({ scope, challengeSlug: slug ?? null, period, entries: rows }, () => {
      const title = `${scope === 'CHALLENGE' ? slug : scope === 'TEAM' ? 'Teams' : 'Global'} · ${period === 'WEEK' ? 'this week' : 'all time'}`;
      if (rows.length === 0) return `${title}: no entries yet.`;
      const columns = [
        { header: 'RANK', value: (row: LeaderboardRow) => String(row.rank), right: true },
        { header: scope === 'TEAM' ? 'TEAM' : 'HANDLE', value: (row: LeaderboardRow) => (row.isBaseline ? '(reference)' : row.handle) },
        { header: 'POINTS', value: (row: LeaderboardRow) => row.points.toFixed(1), right: true },
        ...(scope === 'CHALLENGE'
          ? [{ header: 'SPEEDUP', value: (row: LeaderboardRow) => (row.speedup === null ? '' : `${row.speedup.toFixed(2)}×`), right: true }]
          : []),
        ...(scope === 'TEAM' ? [] : [{ header: 'TEAM', value: (row: LeaderboardRow) => row.team ?? '' }]),
      ];
      return `${title}\n${renderTable(columns, rows, context.settings.columns)}`;
    });
    return ExitCode.Ok;
  },
};

export const LEADERBOARD_COMMANDS: CommandSpec[] = [leaderboard];
