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
  select: Prisma.Sql;
  joins: Prisma.Sql;
}

function sourceOf(board: BoardKey): BoardSource {
  if (board.scope === 'CHALLENGE') {
    return {
      table: Prisma.sql`"LeaderboardBest"`,
      idColumn: Prisma.sql`"userId"`,
      key: boardKeySql(board, 'b'),
      select: Prisma.sql`b."userId"::text AS id, u.handle, t.name AS team, b.points, b.speedup, b."achievedAt"`,
      joins: Prisma.sql`JOIN "User" u ON u.id = b."userId" LEFT JOIN "Membership" m ON m."userId" = b."userId" LEFT JOIN "Team" t ON t.id = m."teamId"`,
    };
  }
  if (board.scope === 'GLOBAL') {
    return {
      table: Prisma.sql`"LeaderboardTotal"`,
      idColumn: Prisma.sql`"userId"`,
      key: boardKeySql(board, 'b'),
      select: Prisma.sql`b."userId"::text AS id, u.handle, t.name AS team, b.points, NULL::float8 AS speedup, b."achievedAt"`,
      joins: Prisma.sql`JOIN "User" u ON u.id = b."userId" LEFT JOIN "Membership" m ON m."userId" = b."userId" LEFT JOIN "Team" t ON t.id = m."teamId"`,
    };
  }
  return {
    table: Prisma.sql`"LeaderboardTeamTotal"`,
    idColumn: Prisma.sql`"teamId"`,
    key: boardKeySql(board, 'b'),
    select: Prisma.sql`b."teamId"::text AS id, t.slug AS handle, t.name AS team, b.points, NULL::float8 AS speedup, b."achievedAt"`,
    joins: Prisma.sql`JOIN "Team" t ON t.id = b."teamId"`,
  };
}

/**
 * A page of a board in its order, from the board's index (points desc, achievedAt, id): the
 * statement stops after `take` rows whatever the board's size.
 */
export function boardPageSql(board: BoardKey, after: BoardAfter | null, take: number): Prisma.Sql {
  const source = sourceOf(board);
  const id = Prisma.sql`b.${source.idColumn}`;
  const afterClause = after
    ? Prisma.sql`AND (b.points < ${after.points}::float8 OR (b.points = ${after.points}::float8 AND (b."achievedAt" > ${after.achievedAt}
                  OR (b."achievedAt" = ${after.achievedAt} AND ${id} > ${after.id}::uuid))))`
    : Prisma.empty;
  return Prisma.sql`
    SELECT ${source.select}
      FROM ${source.table} b ${source.joins}
     WHERE ${source.key} ${afterClause}
     ORDER BY b.points DESC, b."achievedAt" ASC, ${id} ASC
     LIMIT ${take}`;
}

/** The rows of `ids` on a board, each with its competition rank (1 + the rows with more points). */
export function boardEntriesSql(board: BoardKey, ids: readonly string[]): Prisma.Sql {
  const source = sourceOf(board);
  return Prisma.sql`
    SELECT ${source.select},
           (SELECT count(*) FROM ${source.table} x WHERE ${boardKeySql(board, 'x')} AND x.points > b.points)::int + 1 AS rank
      FROM ${source.table} b ${source.joins}
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
