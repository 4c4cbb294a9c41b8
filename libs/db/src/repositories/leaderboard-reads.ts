import { Prisma } from '../generated/prisma/client';

/**
 * The SQL of leaderboard reads, kept apart from the repository so `bench/leaderboard.ts` can run
 * exactly the same statement through `pg` (not exported from the repositories' index, which holds
 * Nest providers only).
 */

export type LeaderboardScopeName = 'CHALLENGE' | 'GLOBAL' | 'TEAM';

/** One stored board: its scope, and for CHALLENGE the challenge and device class ("*": every class). */
export interface BoardKey {
  scope: LeaderboardScopeName;
  challengeId?: string;
  deviceClass?: string;
  /** "ALL" or an ISO week key ("2026-W48"). */
  period: string;
}

/** Where a page starts: after the row with this sort key (points desc, achievedAt asc, id asc). */
export interface BoardAfter {
  points: number;
  achievedAt: Date;
  id: string;
}

/** A stored row as a board shows it. `id` is the learner's (TEAM: the team's). */
export interface BoardRow {
  id: string;
  /** The learner's handle; for TEAM, the team's slug. */
  handle: string;
  /** The learner's current team (its name); for TEAM, the team's name. */
  team: string | null;
  points: number;
  speedup: number | null;
  achievedAt: Date;
}

interface BoardSource {
  table: Prisma.Sql;
  idColumn: Prisma.Sql;
  /** The board's rows among the table's, over the alias `b`. */
  key: Prisma.Sql;
  /** A row as a board shows it, over the alias `b`. */
  select: Prisma.Sql;
}

/**
 * The learner's handle and current team, looked up by key for each row shown (every row has its
 * learner: a foreign key; a learner is in at most one team). As subqueries rather than joins, a
 * page costs an index probe per row whatever the tables' sizes: joined, the planner sizes the
 * lookups for the whole board (a Memoize cache built for 100,000 keys on each execution, ~10 ms
 * per join at a million results) or hashes the whole User or Team table on mid-sized boards
 * (bench/leaderboard.ts). The team is found through the membership's key, so both are probes.
 */
const LEARNER = Prisma.sql`(SELECT u.handle FROM "User" u WHERE u.id = b."userId") AS handle,
       (SELECT t.name FROM "Team" t WHERE t.id = (SELECT m."teamId" FROM "Membership" m WHERE m."userId" = b."userId")) AS team`;

function sourceOf(board: BoardKey): BoardSource {
  if (board.scope === 'CHALLENGE') {
    return {
      table: Prisma.sql`"LeaderboardBest"`,
      idColumn: Prisma.sql`"userId"`,
      key: boardKeySql(board, 'b'),
      select: Prisma.sql`b."userId"::text AS id, ${LEARNER}, b.points, b.speedup, b."achievedAt"`,
    };
  }
  if (board.scope === 'GLOBAL') {
    return {
      table: Prisma.sql`"LeaderboardTotal"`,
      idColumn: Prisma.sql`"userId"`,
      key: boardKeySql(board, 'b'),
      select: Prisma.sql`b."userId"::text AS id, ${LEARNER}, b.points, NULL::float8 AS speedup, b."achievedAt"`,
    };
  }
  return {
    table: Prisma.sql`"LeaderboardTeamTotal"`,
    idColumn: Prisma.sql`"teamId"`,
    key: boardKeySql(board, 'b'),
    select: Prisma.sql`b."teamId"::text AS id, (SELECT t.slug FROM "Team" t WHERE t.id = b."teamId") AS handle,
       (SELECT t.name FROM "Team" t WHERE t.id = b."teamId") AS team, b.points, NULL::float8 AS speedup, b."achievedAt"`,
  };
}

/**
 * A page of a board in its order, from the board's index (points desc, achievedAt, id): the
 * statement stops after `take` rows whatever the board's size, and looks up handles and teams for
 * those rows only.
 */
export function boardPageSql(board: BoardKey, after: BoardAfter | null, take: number): Prisma.Sql {
  const source = sourceOf(board);
  const id = Prisma.sql`b.${source.idColumn}`;
  const afterClause = after
    ? Prisma.sql`AND (b.points < ${after.points}::float8 OR (b.points = ${after.points}::float8 AND (b."achievedAt" > ${after.achievedAt}
                  OR (b."achievedAt" = ${after.achievedAt} AND ${id} > ${after.id}::uuid))))`
    : Prisma.empty;
  const order = Prisma.sql`ORDER BY b.points DESC, b."achievedAt" ASC, ${id} ASC`;
  return Prisma.sql`
    SELECT ${source.select}
      FROM (SELECT * FROM ${source.table} b
             WHERE ${source.key} ${afterClause}
             ${order}
             LIMIT ${take}) b
     ${order}`;
}

/** The rows of `ids` on a board, each with its competition rank (1 + the rows with more points). */
export function boardEntriesSql(board: BoardKey, ids: readonly string[]): Prisma.Sql {
  const source = sourceOf(board);
  return Prisma.sql`
    SELECT ${source.select},
           (SELECT count(*) FROM ${source.table} x WHERE ${boardKeySql(board, 'x')} AND x.points > b.points)::int + 1 AS rank
      FROM ${source.table} b
     WHERE ${source.key} AND b.${source.idColumn} = ANY(${[...ids]}::uuid[])`;
}

/** The board's rows among its table's, over `alias`. */
function boardKeySql(board: BoardKey, alias: 'b' | 'x'): Prisma.Sql {
  const table = Prisma.raw(alias);
  if (board.scope === 'CHALLENGE') {
    return Prisma.sql`${table}."challengeId" = ${board.challengeId}::uuid AND ${table}."deviceClass" = ${board.deviceClass ?? '*'} AND ${table}.period = ${board.period}`;
  }
  return Prisma.sql`${table}.period = ${board.period}`;
}
