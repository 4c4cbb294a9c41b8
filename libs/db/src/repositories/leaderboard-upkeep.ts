import { KINDS_REQUIRING_REVIEW, POINTS_DECIMALS } from '@app/domain';
import { Prisma } from '../generated/prisma/client';
import type { Db } from '../transaction';

/**
 * The upkeep of the leaderboard tables (docs/leaderboards.md): every write that changes what
 * counts calls `refreshStandings` in its own transaction, for the learners, challenges and teams
 * it touched; `recomputeStandings` rebuilds everything from the results. Both run the same
 * statements — one with the keys as filters, one without — so "incremental equals recomputed"
 * rests on the keys each write passes, which the property test checks.
 *
 * Not exported from the repositories' index (which holds Nest providers only); the repositories
 * that write results, approvals, hides and memberships import it.
 */

/** What a refresh looks at. */
export interface StandingsKeys {
  /**
   * The learners whose standings the write changed; a membership change names its learner too
   * (with no challenges), so it waits for that learner's result being written, and the other way
   * round: otherwise neither transaction would see the other's uncommitted row and the team's
   * total would miss the result (found by test/int/leaderboard-property.int-spec.ts).
   */
  userIds: readonly string[];
  /** The challenges whose best rows to recompute for those learners; empty for team moves. */
  challengeIds: readonly string[];
  /** Teams to recompute besides the learners' current teams (a team the learner just left). */
  teamIds?: readonly string[];
}

/** What changed: the challenge boards (with the learners whose rows changed), the learners' totals, the teams'. */
export interface StandingsDelta {
  challengeIds: string[];
  userIds: string[];
  teamIds: string[];
}

export const NO_CHANGE: StandingsDelta = Object.freeze({ challengeIds: [], userIds: [], teamIds: [] }) as StandingsDelta;

/** Incremental writes share this lock; a recompute takes it alone, so none of them interleave. */
const ALL_STANDINGS_LOCK = Prisma.sql`hashtext('leaderboard:all')`;

/** Filters; `null` means every row (the recompute). */
interface Scope {
  userIds: readonly string[] | null;
  challengeIds: readonly string[] | null;
}

const reviewedKinds = () => [...KINDS_REQUIRING_REVIEW];

/**
 * The results that count, one row each: a SCORED submission's result that is not hidden and that
 * PASSED with points — or, for the kinds needing a mentor's review, that a mentor approved (its
 * approved points, reached when approved). Points are rounded as they are ranked.
 */
export function countedResults(scope: Scope): Prisma.Sql {
  const reviewed = reviewedKinds();
  return Prisma.sql`
    SELECT s."userId", s."challengeId", r.id AS "resultId",
           coalesce(r.environment->>'deviceClass', 'cpu') AS "deviceClass",
           round((CASE WHEN c.kind::text = ANY(${reviewed}) THEN r."approvedPoints" ELSE r.points END)::numeric, ${POINTS_DECIMALS})::float8 AS points,
           CASE WHEN c.kind::text = ANY(${reviewed}) THEN r."approvedAt" ELSE r."createdAt" END AS at,
           CASE WHEN jsonb_typeof(r.metrics->'timing'->'speedup') = 'number' THEN (r.metrics->'timing'->>'speedup')::float8 END AS speedup
      FROM "Result" r
      JOIN "Submission" s ON s.id = r."submissionId"
      JOIN "Challenge" c ON c.id = s."challengeId"
     WHERE s.status = 'SCORED'
       AND r."hiddenAt" IS NULL
       AND (CASE WHEN c.kind::text = ANY(${reviewed}) THEN r."approvedAt" IS NOT NULL AND r."approvedPoints" IS NOT NULL
                 ELSE r.verdict = 'PASSED' AND r.points > 0 END)
       ${scope.userIds ? Prisma.sql`AND s."userId" = ANY(${[...scope.userIds]}::uuid[])` : Prisma.empty}
       ${scope.challengeIds ? Prisma.sql`AND s."challengeId" = ANY(${[...scope.challengeIds]}::uuid[])` : Prisma.empty}`;
}

/**
 * The best rows the results give: each counted result under its device class and "*", and under
 * "ALL" and the ISO week (UTC) it was reached in; per key the most points, then the earliest, then
 * the smallest result id.
 */
export function bestRows(scope: Scope): Prisma.Sql {
  return Prisma.sql`
    SELECT DISTINCT ON (k."challengeId", d.class, p.period, k."userId")
           k."challengeId", d.class AS "deviceClass", p.period, k."userId", k."resultId", k.points, k.speedup, k.at AS "achievedAt"
      FROM (${countedResults(scope)}) k
     CROSS JOIN LATERAL (VALUES (k."deviceClass"), ('*')) d(class)
     CROSS JOIN LATERAL (VALUES ('ALL'), (to_char(k.at AT TIME ZONE 'UTC', 'IYYY-"W"IW'))) p(period)
     ORDER BY k."challengeId", d.class, p.period, k."userId", k.points DESC, k.at ASC, k."resultId" ASC`;
}

/** Each learner's totals per period: the sum of their "*" best rows (kept rounded), from `bests` (the stored ones by default). */
export function totalRows(userIds: readonly string[] | null, bests: Prisma.Sql = Prisma.sql`"LeaderboardBest"`): Prisma.Sql {
  return Prisma.sql`
    SELECT b.period, b."userId", round(sum(b.points)::numeric, ${POINTS_DECIMALS})::float8 AS points, max(b."achievedAt") AS "achievedAt"
      FROM ${bests} b
     WHERE b."deviceClass" = '*'
       ${userIds ? Prisma.sql`AND b."userId" = ANY(${[...userIds]}::uuid[])` : Prisma.empty}
     GROUP BY b.period, b."userId"`;
}

/** Each team's totals per period: the sum of its current members' totals, from `totals` (the stored ones by default). */
export function teamRows(teamIds: readonly string[] | null, totals: Prisma.Sql = Prisma.sql`"LeaderboardTotal"`): Prisma.Sql {
  return Prisma.sql`
    SELECT t.period, m."teamId", round(sum(t.points)::numeric, ${POINTS_DECIMALS})::float8 AS points, max(t."achievedAt") AS "achievedAt"
      FROM ${totals} t
      JOIN "Membership" m ON m."userId" = t."userId"
     ${teamIds ? Prisma.sql`WHERE m."teamId" = ANY(${[...teamIds]}::uuid[])` : Prisma.empty}
     GROUP BY t.period, m."teamId"`;
}

/**
 * Brings the best rows of (learners × challenges), then those learners' totals, then their teams'
 * totals (and `teamIds`) in line with the results, inside `tx`. Rows that are already right are
 * not rewritten. Serialised per learner and per team (advisory locks, learners first, each in a
 * sorted order, so two writers never wait on each other in a circle).
 * @returns what changed, for the `leaderboardChanged` event
 */
export async function refreshStandings(tx: Db, keys: StandingsKeys): Promise<StandingsDelta> {
  const userIds = [...new Set(keys.userIds)].sort();
  const challengeIds = [...new Set(keys.challengeIds)].sort();
  if (userIds.length === 0 && (keys.teamIds ?? []).length === 0) return NO_CHANGE;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(${ALL_STANDINGS_LOCK})`;
  for (const userId of userIds) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('leaderboard-user:' || ${userId}))`;

  const changedBests = userIds.length > 0 && challengeIds.length > 0 ? await syncBests(tx, { userIds, challengeIds }) : [];
  const changedUsers = [...new Set(changedBests.map((row) => row.userId))].sort();
  const totalsChanged = changedUsers.length > 0 ? await syncTotals(tx, changedUsers) : [];

  // Team totals follow the learners' totals that changed, and any team named (a join or a leave).
  const memberTeams = totalsChanged.length
    ? await tx.$queryRaw<{ teamId: string }[]>`SELECT "teamId"::text FROM "Membership" WHERE "userId" = ANY(${totalsChanged}::uuid[])`
    : [];
  const teamsToSync = [...new Set([...memberTeams.map((row) => row.teamId), ...(keys.teamIds ?? [])])].sort();
  for (const teamId of teamsToSync) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('leaderboard-team:' || ${teamId}))`;
  const teamsChanged = teamsToSync.length > 0 ? await syncTeams(tx, teamsToSync) : [];

  return {
    challengeIds: [...new Set(changedBests.map((row) => row.challengeId))].sort(),
    userIds: changedUsers,
    teamIds: teamsChanged,
  };
}

/**
 * Rebuilds every leaderboard row from the results (admin recompute). @returns what it corrected:
 * (learner, challenge) pairs whose best rows changed, learners' totals, teams' totals
 */
export async function recomputeStandings(tx: Db): Promise<{ bests: number; totals: number; teams: number }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ALL_STANDINGS_LOCK})`;
  const bests = await syncBests(tx, { userIds: null, challengeIds: null });
  const totals = await syncTotals(tx, null);
  const teams = await syncTeams(tx, null);
  return { bests: bests.length, totals: totals.length, teams: teams.length };
}

/** A stored leaderboard table: its key columns and the columns a refresh compares. */
interface StoredTable {
  name: string;
  key: readonly string[];
  values: readonly string[];
}

const BESTS: StoredTable = {
  name: 'LeaderboardBest',
  key: ['userId', 'challengeId', 'deviceClass', 'period'],
  values: ['resultId', 'points', 'speedup', 'achievedAt'],
};
const TOTALS: StoredTable = { name: 'LeaderboardTotal', key: ['userId', 'period'], values: ['points', 'achievedAt'] };
const TEAMS: StoredTable = { name: 'LeaderboardTeamTotal', key: ['teamId', 'period'], values: ['points', 'achievedAt'] };

/** `"a", "b"` (optionally over an alias: `t."a", t."b"`) for constant column names. */
const columns = (names: readonly string[], alias?: string) =>
  Prisma.raw(names.map((name) => `${alias ? `${alias}.` : ''}"${name}"`).join(', '));

/**
 * How far the stored rows are from what the results give, without changing anything: the number
 * of rows that differ, are missing or are extra, per table (a row with other values counts twice).
 */
export async function standingsDrift(db: Db): Promise<{ bests: number; totals: number; teams: number }> {
  const difference = (table: StoredTable, fresh: string) => {
    const all = columns([...table.key, ...table.values]);
    const stored = Prisma.raw(`"${table.name}"`);
    const computed = Prisma.raw(fresh);
    return Prisma.sql`(SELECT count(*) FROM ((SELECT ${all} FROM ${computed} EXCEPT ALL SELECT ${all} FROM ${stored})
                       UNION ALL (SELECT ${all} FROM ${stored} EXCEPT ALL SELECT ${all} FROM ${computed})) d)::int`;
  };
  const [row] = await db.$queryRaw<{ bests: number; totals: number; teams: number }[]>`
    WITH fb AS (${bestRows({ userIds: null, challengeIds: null })}),
         ft AS (${totalRows(null, Prisma.sql`fb`)}),
         fm AS (${teamRows(null, Prisma.sql`ft`)})
    SELECT ${difference(BESTS, 'fb')} AS bests, ${difference(TOTALS, 'ft')} AS totals, ${difference(TEAMS, 'fm')} AS teams`;
  return row!;
}

/**
 * Makes the stored rows of `table` within `scope` (a condition over the alias `t`) equal `fresh`:
 * upserts what differs, deletes what `fresh` no longer has, leaves the rest untouched.
 * @returns the `changed` columns of every row written or deleted, distinct
 */
async function sync<T>(tx: Db, table: StoredTable, fresh: Prisma.Sql, scope: Prisma.Sql, changed: readonly string[]): Promise<T[]> {
  const name = Prisma.raw(`"${table.name}"`);
  const all = columns([...table.key, ...table.values]);
  const excluded = columns(table.values, 'EXCLUDED');
  const matches = Prisma.raw(table.key.map((key) => `f."${key}" = t."${key}"`).join(' AND '));
  const selected = Prisma.raw(changed.map((column) => `"${column}"::text`).join(', '));
  return tx.$queryRaw<T[]>`
    WITH fresh AS (${fresh}),
    upserted AS (
      INSERT INTO ${name} AS t (${all})
      SELECT ${all} FROM fresh
      ON CONFLICT (${columns(table.key)}) DO UPDATE SET (${columns(table.values)}) = ROW(${excluded})
       WHERE (${columns(table.values, 't')}) IS DISTINCT FROM (${excluded})
      RETURNING ${columns(changed, 't')}),
    removed AS (
      DELETE FROM ${name} t
       WHERE ${scope} AND NOT EXISTS (SELECT 1 FROM fresh f WHERE ${matches})
      RETURNING ${columns(changed, 't')})
    SELECT DISTINCT ${selected} FROM (SELECT * FROM upserted UNION ALL SELECT * FROM removed) c`;
}

const within = (column: string, ids: readonly string[] | null) =>
  ids ? Prisma.sql`${Prisma.raw(`t."${column}"`)} = ANY(${[...ids]}::uuid[])` : Prisma.sql`true`;

/** The best rows of the scope. @returns the (learner, challenge) pairs that changed */
function syncBests(tx: Db, scope: Scope): Promise<{ userId: string; challengeId: string }[]> {
  return sync(tx, BESTS, bestRows(scope), Prisma.sql`${within('userId', scope.userIds)} AND ${within('challengeId', scope.challengeIds)}`, [
    'userId',
    'challengeId',
  ]);
}

/** The totals of `userIds` (null: everyone) from their best rows. @returns the learners whose totals changed */
async function syncTotals(tx: Db, userIds: readonly string[] | null): Promise<string[]> {
  const rows = await sync<{ userId: string }>(tx, TOTALS, totalRows(userIds), within('userId', userIds), ['userId']);
  return rows.map((row) => row.userId).sort();
}

/** The totals of `teamIds` (null: every team) from their members' totals. @returns the teams whose totals changed */
async function syncTeams(tx: Db, teamIds: readonly string[] | null): Promise<string[]> {
  const rows = await sync<{ teamId: string }>(tx, TEAMS, teamRows(teamIds), within('teamId', teamIds), ['teamId']);
  return rows.map((row) => row.teamId).sort();
}
