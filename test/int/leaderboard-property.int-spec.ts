import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  AttemptRepository,
  ChallengeRepository,
  LeaderboardRepository,
  PrismaService,
  ReviewRepository,
  ScorerRepository,
  ScoringRepository,
  SubmissionRepository,
  TeamRepository,
  TransactionRunner,
} from '@app/db';
import { isoWeekKey, KINDS_REQUIRING_REVIEW, seededRandom } from '@app/domain';
import { startIntApp, type IntApp } from '../support/int-app';
import { LeaderboardsService, type Period, type StandingRow } from '../../apps/api/src/leaderboards/leaderboards.service';

/**
 * The property of the incremental leaderboards (docs/leaderboards.md): after any sequence of
 * results, rescorings, approvals, hides and team moves — each written through the production
 * repository method, in its own transaction — every stored board equals its recomputation from
 * the results (`drift()` is zero, `recompute` corrects nothing), and the boards served equal an
 * oracle computed here, in plain TypeScript, from the operations alone.
 *
 * Random but replayable: each run is a mulberry32 seed (in the test's name and in every failure
 * message). Replay one with LEADERBOARD_PROPERTY_SEED=<seed> [LEADERBOARD_PROPERTY_OPS=<n>].
 *
 * Weeks: `ScoringRepository.finish` takes no time (a result is reached at the database's now()),
 * so results all land in the current ISO week; approvals take theirs (`ReviewRepository.decide`'s
 * `now`), so the reviewed kind's points are spread over several weeks, including both sides of a
 * Sunday/Monday boundary. leaderboard.int-spec.ts covers the weeks of seeded results.
 */

// ---------------------------------------------------------------------------------------------
// Seeded randomness

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One of `weighted` by weight. */
  weighted<T>(weighted: readonly (readonly [number, T])[]): T {
    const total = weighted.reduce((sum, [weight]) => sum + weight, 0);
    let at = this.next() * total;
    for (const [weight, value] of weighted) {
      if ((at -= weight) < 0) return value;
    }
    return weighted.at(-1)![1];
  }
}

// ---------------------------------------------------------------------------------------------
// The oracle: the boards, from the operations only

const REVIEWED = new Set<string>(KINDS_REQUIRING_REVIEW);

/**
 * Rounds as PostgreSQL's `round(x::float8::numeric, 2)`: the float goes to numeric through its
 * 15 significant digits (so 2.675, stored as 2.67499999…, is 2.675 and rounds up to 2.68), then
 * half away from zero.
 */
function pgRound2(x: number): number {
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  return (Math.sign(x) * Math.round(scaled)) / 100 || 0;
}

interface ChallengeInfo {
  slug: string;
  id: string;
  version: number;
  kind: string;
}

interface ModelResult {
  resultId: string;
  submissionId: string;
  attemptId: string;
  userId: string;
  challenge: ChallengeInfo;
  status: 'SCORED' | 'REJECTED';
  verdict: 'PASSED' | 'FAILED' | 'INCONCLUSIVE';
  points: number;
  deviceClass: string;
  speedup: number | null;
  createdAt: Date;
  approvedPoints: number | null;
  approvedAt: Date | null;
  hidden: boolean;
}

interface Best {
  resultId: string;
  points: number;
  speedup: number | null;
  at: Date;
}

interface Sum {
  points: number;
  at: Date;
}

interface ExpectedRow {
  rank: number;
  handle: string;
  team: string | null;
  points: number;
  speedup: number | null;
}

class Oracle {
  readonly results: ModelResult[] = [];
  readonly handles = new Map<string, string>();
  /** learner → team id */
  readonly membership = new Map<string, string>();
  /** team id → slug, name */
  readonly teams = new Map<string, { slug: string; name: string }>();

  counted(result: ModelResult): { points: number; at: Date } | null {
    if (result.status !== 'SCORED' || result.hidden) return null;
    if (REVIEWED.has(result.challenge.kind)) {
      return result.approvedAt && result.approvedPoints !== null
        ? { points: pgRound2(result.approvedPoints), at: result.approvedAt }
        : null;
    }
    return result.verdict === 'PASSED' && result.points > 0 ? { points: pgRound2(result.points), at: result.createdAt } : null;
  }

  /** Best per (challenge, device class incl. "*", learner) in `period`. */
  bests(period: string): Map<string, Best & { userId: string; challengeId: string; deviceClass: string }> {
    const bests = new Map<string, Best & { userId: string; challengeId: string; deviceClass: string }>();
    for (const result of this.results) {
      const counted = this.counted(result);
      if (!counted || (period !== 'ALL' && isoWeekKey(counted.at) !== period)) continue;
      for (const deviceClass of [result.deviceClass, '*']) {
        const key = `${result.challenge.id}|${deviceClass}|${result.userId}`;
        const candidate = { resultId: result.resultId, points: counted.points, speedup: result.speedup, at: counted.at };
        const current = bests.get(key);
        if (!current || better(candidate, current)) {
          bests.set(key, { ...candidate, userId: result.userId, challengeId: result.challenge.id, deviceClass });
        }
      }
    }
    return bests;
  }

  totals(period: string): Map<string, Sum> {
    const sums = new Map<string, Sum>();
    for (const best of this.bests(period).values()) {
      if (best.deviceClass !== '*') continue;
      const sum = sums.get(best.userId);
      sums.set(best.userId, sum ? { points: sum.points + best.points, at: later(sum.at, best.at) } : { points: best.points, at: best.at });
    }
    for (const sum of sums.values()) sum.points = pgRound2(sum.points);
    return sums;
  }

  teamTotals(period: string): Map<string, Sum> {
    const sums = new Map<string, Sum>();
    for (const [userId, total] of this.totals(period)) {
      const teamId = this.membership.get(userId);
      if (!teamId) continue;
      const sum = sums.get(teamId);
      sums.set(teamId, sum ? { points: sum.points + total.points, at: later(sum.at, total.at) } : { ...total });
    }
    for (const sum of sums.values()) sum.points = pgRound2(sum.points);
    return sums;
  }

  teamNameOf(userId: string): string | null {
    const teamId = this.membership.get(userId);
    return teamId ? this.teams.get(teamId)!.name : null;
  }

  globalBoard(period: string): ExpectedRow[] {
    return ranked(
      [...this.totals(period)].map(([userId, sum]) => ({
        id: userId,
        ...sum,
        row: { handle: this.handles.get(userId)!, team: this.teamNameOf(userId), speedup: null },
      })),
    );
  }

  teamBoard(period: string): ExpectedRow[] {
    return ranked(
      [...this.teamTotals(period)].map(([teamId, sum]) => {
        const team = this.teams.get(teamId)!;
        return { id: teamId, ...sum, row: { handle: team.slug, team: team.name, speedup: null } };
      }),
    );
  }

  challengeBoard(challengeId: string, deviceClass: string): ExpectedRow[] {
    return ranked(
      [...this.bests('ALL').values()]
        .filter((best) => best.challengeId === challengeId && best.deviceClass === deviceClass)
        .map((best) => ({
          id: best.userId,
          points: best.points,
          at: best.at,
          row: { handle: this.handles.get(best.userId)!, team: this.teamNameOf(best.userId), speedup: best.speedup },
        })),
    );
  }

  /** Every ISO week a counted result was reached in, with an instant inside it. */
  weeks(): Map<string, Date> {
    const weeks = new Map<string, Date>();
    for (const result of this.results) {
      const counted = this.counted(result);
      if (counted) weeks.set(isoWeekKey(counted.at), counted.at);
    }
    return weeks;
  }
}

/** Board order: more points, then reached earlier, then the smaller id (uuids order as their hex). */
function better(a: Best, b: Best): boolean {
  if (a.points !== b.points) return a.points > b.points;
  if (a.at.getTime() !== b.at.getTime()) return a.at < b.at;
  return a.resultId < b.resultId;
}

const later = (a: Date, b: Date) => (a > b ? a : b);

/** Sorted in board order, with competition ranks (1 + the rows with more points). */
function ranked(rows: { id: string; points: number; at: Date; row: Omit<ExpectedRow, 'rank' | 'points'> }[]): ExpectedRow[] {
  rows.sort((a, b) => b.points - a.points || a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows.map((row) => ({
    rank: 1 + rows.filter((other) => other.points > row.points).length,
    ...row.row,
    points: row.points,
  }));
}

const NO_DRIFT = { bests: 0, totals: 0, teams: 0 };

// ---------------------------------------------------------------------------------------------

const SEEDS = process.env.LEADERBOARD_PROPERTY_SEED ? [Number(process.env.LEADERBOARD_PROPERTY_SEED)] : [20261130, 7, 424242];
const OPERATIONS = Number(process.env.LEADERBOARD_PROPERTY_OPS ?? 150);
const SLUGS = ['pruned-mlp-speedup', 'unfold-cnn-speedup', 'stable-softmax', 'document-an-optimization'] as const;
const LEARNERS = 8;
const TEAM_SLOTS = 3;
/** Points that tie often, and floats whose rounding is a trap (2.675 is 2.67499999… as a double). */
const POINTS_POOL = [100, 100, 150, 150.5, 200.125, 200.13, 2.675, 1.005, 0.004, 0.005, 99.999];
/** When approvals happen: now, and fixed instants over three ISO weeks (a Sunday's last ms, the next Monday's first). */
const APPROVAL_TIMES = [
  new Date('2026-11-01T23:59:59.999Z'), // Sunday, 2026-W44
  new Date('2026-11-02T00:00:00.000Z'), // Monday, 2026-W45
  new Date('2026-11-04T12:30:00.000Z'), // 2026-W45
  new Date('2026-10-21T08:00:00.000Z'), // 2026-W43
];

describe('leaderboard upkeep: incremental equals recomputed (property)', () => {
  let intApp: IntApp;
  let app: INestApplication;
  let prisma: PrismaService;
  let runner: TransactionRunner;
  let scoring: ScoringRepository;
  let boards: LeaderboardRepository;
  let service: LeaderboardsService;
  let teams: TeamRepository;
  let reviews: ReviewRepository;
  let scorerId: string;
  let mentorId: string;
  const challenges: Record<string, ChallengeInfo> = {};

  beforeAll(async () => {
    intApp = await startIntApp();
    app = intApp.app;
    prisma = app.get(PrismaService);
    runner = app.get(TransactionRunner);
    scoring = app.get(ScoringRepository);
    boards = app.get(LeaderboardRepository);
    service = app.get(LeaderboardsService);
    teams = app.get(TeamRepository);
    reviews = app.get(ReviewRepository);
    for (const slug of SLUGS) {
      const challenge = (await app.get(ChallengeRepository).findBySlug(slug))!;
      challenges[slug] = { slug, id: challenge.id, version: challenge.version, kind: challenge.kind };
    }
    expect(challenges['pruned-mlp-speedup']!.kind).toBe('OPTIMIZE_MODEL');
    expect(challenges['document-an-optimization']!.kind).toBe('DOCUMENT_RESULTS');
    scorerId = randomUUID();
    await app.get(ScorerRepository).register({
      id: scorerId,
      host: 'leaderboard-property',
      pid: process.pid,
      version: 'test',
      deviceClasses: ['cpu', 'cuda'],
      executionProviders: ['CPUExecutionProvider'],
      ortVersion: 'test',
      cpuModel: 'test',
      gpuModel: null,
    });
    mentorId = await user('lbp-mentor', 'MENTOR');
  });

  afterAll(async () => {
    await intApp?.stop();
  });

  /** Every test starts from no results, no teams, empty boards (this database is the file's own). */
  beforeEach(async () => {
    await prisma.$executeRawUnsafe(
      `TRUNCATE "LeaderboardBest", "LeaderboardTotal", "LeaderboardTeamTotal", "Review", "Result", "Submission", "Attempt", "Membership", "Team" CASCADE`,
    );
  });

  async function user(handle: string, role = 'LEARNER'): Promise<string> {
    const row = await prisma.user.create({ data: { email: `${handle}@example.com`, handle, passwordHash: 'x', role: role as 'LEARNER' } });
    return row.id;
  }

  async function learners(prefix: string, count: number, oracle?: Oracle): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const handle = `${prefix}-l${i}`;
      const id = await user(handle);
      oracle?.handles.set(id, handle);
      ids.push(id);
    }
    return ids;
  }

  interface Outcome {
    status: 'SCORED' | 'REJECTED';
    verdict: 'PASSED' | 'FAILED' | 'INCONCLUSIVE';
    points: number;
    deviceClass: string | null;
    /** A number, absent (null), or not a number ('fast'). */
    speedup: number | null | 'fast';
  }

  /** A submission (a rescoring when `rescoreOf` is given), claimed and finished the way the scorer does. */
  async function newSubmission(userId: string, challenge: ChallengeInfo, rescoreOf: ModelResult | null = null) {
    const attempt = await app
      .get(AttemptRepository)
      .findOrCreate({ userId, challengeId: challenge.id, challengeVersion: challenge.version, secretSeed: 'seed' });
    return app.get(SubmissionRepository).create({
      attemptId: attempt.id,
      userId,
      challengeId: challenge.id,
      modelSha256: null,
      sourceSha256: null,
      rescoreOfId: rescoreOf?.submissionId ?? null,
    });
  }

  function endOf(outcome: Outcome) {
    return {
      status: outcome.status,
      rejection: outcome.status === 'REJECTED' ? { code: 'PARITY_FAILED', message: 'outputs differ' } : null,
      result: {
        verdict: outcome.verdict,
        points: outcome.points,
        metrics: outcome.speedup === null ? {} : { timing: { speedup: outcome.speedup } },
        flags: [],
        environment: outcome.deviceClass === null ? {} : { deviceClass: outcome.deviceClass },
      },
    };
  }

  /** The stored result of a finished submission, as the oracle keeps it. */
  async function modelResultOf(
    submission: { id: string; attemptId: string; userId: string },
    challenge: ChallengeInfo,
    outcome: Outcome,
  ): Promise<ModelResult> {
    const stored = (await prisma.result.findUnique({ where: { submissionId: submission.id }, select: { id: true, createdAt: true } }))!;
    return {
      resultId: stored.id,
      submissionId: submission.id,
      attemptId: submission.attemptId,
      userId: submission.userId,
      challenge,
      status: outcome.status,
      verdict: outcome.verdict,
      points: outcome.points,
      deviceClass: outcome.deviceClass ?? 'cpu',
      speedup: typeof outcome.speedup === 'number' ? outcome.speedup : null,
      createdAt: stored.createdAt,
      approvedPoints: null,
      approvedAt: null,
      hidden: false,
    };
  }

  async function score(userId: string, challenge: ChallengeInfo, outcome: Outcome, rescoreOf: ModelResult | null = null) {
    const submission = await newSubmission(userId, challenge, rescoreOf);
    const claim = await scoring.claim(submission.id, scorerId);
    if (claim === null) throw new Error('claim refused');
    const delta = await runner.run((tx) => scoring.finish(submission.id, claim, `job-${submission.id}`, scorerId, endOf(outcome), tx));
    if (delta === null) throw new Error('finish refused');
    return modelResultOf(submission, challenge, outcome);
  }

  /** A mentor approves a reviewed result at `at`: the attempt's review opened on it, claimed, decided. */
  async function approve(result: ModelResult, approvedPoints: number, at: Date) {
    const { review } = await runner.run((tx) =>
      reviews.open(
        {
          attemptId: result.attemptId,
          submissionId: result.submissionId,
          learnerId: result.userId,
          challengeId: result.challenge.id,
          reason: 'REQUIRED',
          actorId: result.userId,
        },
        at,
        tx,
      ),
    );
    const claimed = await runner.run((tx) => reviews.claim(review.id, mentorId, at, 3_600_000, 1_000, tx));
    if (claimed !== 'claimed') throw new Error(`review claim: ${claimed}`);
    const decided = await runner.run((tx) =>
      reviews.decide(review.id, mentorId, at, { state: 'APPROVED', rubric: null, summary: 'fine', approvedPoints }, tx),
    );
    if (decided === null) throw new Error('decide refused');
  }

  async function setHidden(result: ModelResult, hide: boolean) {
    const hideable = (await boards.resultOf(result.submissionId))!;
    const delta = await runner.run((tx) =>
      boards.setHidden(hideable, hide ? { at: new Date(), reason: 'property test', byId: mentorId } : null, tx),
    );
    if (delta === null) throw new Error(`setHidden(${hide}) changed nothing`);
  }

  async function rows(args: Parameters<LeaderboardsService['board']>[0], now?: Date): Promise<StandingRow[]> {
    const page = await service.board(args, 50, null, now);
    expect(page.pageInfo.hasNextPage).toBe(false);
    return page.edges.map((edge) => edge.node);
  }

  const shown = (row: StandingRow): ExpectedRow => ({
    rank: row.rank,
    handle: row.handle,
    team: row.team,
    points: row.points,
    speedup: row.speedup,
  });

  /** The served boards equal the oracle's: GLOBAL and TEAM over all time and each week, every CHALLENGE board (all classes, cpu, cuda). */
  async function expectBoardsMatch(oracle: Oracle) {
    expect((await rows({ scope: 'GLOBAL' })).map(shown)).toEqual(oracle.globalBoard('ALL'));
    expect((await rows({ scope: 'TEAM' })).map(shown)).toEqual(oracle.teamBoard('ALL'));
    for (const [week, instant] of oracle.weeks()) {
      const period: Period = 'WEEK';
      expect({ week, rows: (await rows({ scope: 'GLOBAL', period }, instant)).map(shown) }).toEqual({
        week,
        rows: oracle.globalBoard(week),
      });
      expect({ week, rows: (await rows({ scope: 'TEAM', period }, instant)).map(shown) }).toEqual({ week, rows: oracle.teamBoard(week) });
    }
    for (const challenge of Object.values(challenges)) {
      for (const deviceClass of ['*', 'cpu', 'cuda']) {
        // "*" (every class) is the board asked for without a device class.
        const served = await rows({
          scope: 'CHALLENGE',
          challengeSlug: challenge.slug,
          deviceClass: deviceClass === '*' ? null : deviceClass,
        });
        const expected = oracle.challengeBoard(challenge.id, deviceClass);
        if (challenge.kind === 'OPTIMIZE_MODEL') {
          // The reference model's row closes the board, ranked after every real row.
          expect(served.at(-1)).toMatchObject({ isBaseline: true, handle: 'reference', points: 0, speedup: 1, rank: expected.length + 1 });
          served.pop();
        }
        expect({ board: `${challenge.slug}/${deviceClass}`, rows: served.map(shown) }).toEqual({
          board: `${challenge.slug}/${deviceClass}`,
          rows: expected,
        });
      }
    }
  }

  function randomOutcome(random: Random, challenge: ChallengeInfo): Outcome {
    const points = random.weighted<() => number>([
      [3, () => random.pick(POINTS_POOL)],
      [3, () => 1 + random.int(400)],
      [3, () => random.int(400_000) / 1000],
      [1, () => 0],
    ])();
    return {
      status: random.chance(0.1) ? 'REJECTED' : 'SCORED',
      verdict: random.weighted([
        [13, 'PASSED' as const],
        [4, 'FAILED' as const],
        [3, 'INCONCLUSIVE' as const],
      ]),
      points,
      deviceClass: random.weighted([
        [5, 'cpu'],
        [4, 'cuda'],
        [1, null],
      ]),
      speedup:
        challenge.kind === 'OPTIMIZE_MODEL'
          ? random.weighted<number | null | 'fast'>([
              [8, Math.round((0.5 + random.float() * 20) * 1000) / 1000],
              [1, null],
              [1, 'fast'],
            ])
          : null,
    };
  }

  /**
   * One random run: `operations` operations over LEARNERS learners, TEAM_SLOTS teams and the
   * challenges; drift checked after each, the served boards against the oracle every few and at
   * the end, then a recompute that must correct nothing.
   */
  async function run(seed: number, operations: number) {
    const random = new Random(seed);
    const oracle = new Oracle();
    const ids = await learners(`lbp${seed}`, LEARNERS, oracle);
    const slots: (string | null)[] = Array.from({ length: TEAM_SLOTS }, () => null);
    const log: string[] = [];
    const handle = (userId: string) => oracle.handles.get(userId)!;

    const operationsByName: Record<string, () => Promise<string | null>> = {
      async result() {
        const userId = random.pick(ids);
        const challenge = challenges[random.pick(SLUGS)]!;
        const outcome = randomOutcome(random, challenge);
        oracle.results.push(await score(userId, challenge, outcome));
        return `result ${handle(userId)} ${challenge.slug} ${JSON.stringify(outcome)}`;
      },
      async rescore() {
        const candidates = oracle.results.filter((result) => !REVIEWED.has(result.challenge.kind));
        if (candidates.length === 0) return null;
        const original = random.pick(candidates);
        const outcome = randomOutcome(random, original.challenge);
        oracle.results.push(await score(original.userId, original.challenge, outcome, original));
        return `rescore of ${original.submissionId} (${handle(original.userId)} ${original.challenge.slug}) ${JSON.stringify(outcome)}`;
      },
      async superseded() {
        // A scorer presumed dead finishes late: its claim is not the latest, nothing is written.
        const userId = random.pick(ids);
        const challenge = challenges[random.pick(SLUGS)]!;
        const outcome = randomOutcome(random, challenge);
        const submission = await newSubmission(userId, challenge);
        const stale = (await scoring.claim(submission.id, scorerId))!;
        const latest = (await scoring.claim(submission.id, scorerId))!;
        const late = await runner.run((tx) =>
          scoring.finish(
            submission.id,
            stale,
            'job-stale',
            scorerId,
            endOf({ ...outcome, status: 'SCORED', verdict: 'PASSED', points: 999 }),
            tx,
          ),
        );
        if (late !== null) throw new Error('a stale claim finished');
        await runner.run((tx) => scoring.finish(submission.id, latest, 'job-latest', scorerId, endOf(outcome), tx));
        oracle.results.push(await modelResultOf(submission, challenge, outcome));
        return `superseded claim, then result ${handle(userId)} ${challenge.slug} ${JSON.stringify(outcome)}`;
      },
      async approve() {
        const candidates = oracle.results.filter((result) => REVIEWED.has(result.challenge.kind) && result.approvedAt === null);
        if (candidates.length === 0) return null;
        const result = random.pick(candidates);
        const approvedPoints = random.weighted<number>([
          [6, random.int(300_000) / 1000],
          [2, random.pick(POINTS_POOL)],
          [1, 0],
        ]);
        const at = random.chance(0.4) ? new Date() : random.pick(APPROVAL_TIMES);
        await approve(result, approvedPoints, at);
        result.approvedPoints = approvedPoints;
        result.approvedAt = at;
        return `approve ${result.submissionId} (${handle(result.userId)}, status ${result.status}) ${approvedPoints} at ${at.toISOString()}`;
      },
      async hide() {
        if (oracle.results.length === 0) return null;
        const result = random.pick(oracle.results);
        await setHidden(result, !result.hidden);
        result.hidden = !result.hidden;
        return `${result.hidden ? 'hide' : 'show'} ${result.submissionId} (${handle(result.userId)} ${result.challenge.slug})`;
      },
      async move() {
        const userId = random.pick(ids);
        const from = oracle.membership.get(userId) ?? null;
        const to = random.int(TEAM_SLOTS + 1); // TEAM_SLOTS: no team
        const steps: string[] = [];
        if (from !== null) {
          // Leaving is a transaction of its own (TeamsService.leave); the last member leaving deletes the team.
          await runner.run(async (tx) => {
            await teams.lock(from, tx);
            await teams.removeMember(from, userId, tx);
            if ((await teams.countMembers(from, tx)) === 0) await teams.delete(from, tx);
          });
          oracle.membership.delete(userId);
          steps.push(`leave ${oracle.teams.get(from)!.slug}`);
          if (![...oracle.membership.values()].includes(from)) {
            slots[slots.indexOf(from)] = null;
            oracle.teams.delete(from);
            steps.push('(team deleted)');
          }
        }
        if (to < TEAM_SLOTS) {
          const teamId = slots[to];
          if (teamId) {
            await runner.run(async (tx) => {
              await teams.lockUser(userId, tx);
              await teams.lock(teamId, tx);
              if ((await teams.addMember(teamId, userId, tx)) === null) throw new Error('already in a team');
            });
            oracle.membership.set(userId, teamId);
            steps.push(`join ${oracle.teams.get(teamId)!.slug}`);
          } else {
            const slug = `lbp${seed}-t${to}`;
            const created = await runner.run(async (tx) => {
              await teams.lockUser(userId, tx);
              return teams.createWithOwner({ slug, name: `Team ${seed}/${to}`, inviteCode: randomUUID() }, userId, tx);
            });
            if (!created) throw new Error(`team ${slug} not created`);
            slots[to] = created.team.id;
            oracle.teams.set(created.team.id, { slug, name: created.team.name });
            oracle.membership.set(userId, created.team.id);
            steps.push(`create ${slug}`);
          }
        }
        return steps.length ? `${handle(userId)}: ${steps.join(', ')}` : null;
      },
    };
    const weights: [number, string][] = [
      [30, 'result'],
      [10, 'rescore'],
      [3, 'superseded'],
      [12, 'approve'],
      [15, 'hide'],
      [20, 'move'],
    ];

    const context = (index: number, error: unknown) =>
      new Error(
        `seed ${seed} (replay: LEADERBOARD_PROPERTY_SEED=${seed}), after operation #${index}:\n` +
          `${log.slice(-8).join('\n')}\n\n${error instanceof Error ? error.message : String(error)}`,
      );

    for (let index = 1; index <= operations; index++) {
      const name = random.weighted(weights);
      try {
        const done = await operationsByName[name]!();
        log.push(`#${index} ${done ?? `${name}: nothing to do`}`);
        expect(await boards.drift()).toEqual(NO_DRIFT);
        if (index % 10 === 0) await expectBoardsMatch(oracle);
      } catch (error) {
        throw context(index, error);
      }
    }
    try {
      await expectBoardsMatch(oracle);
      expect(await runner.run((tx) => boards.recompute(tx))).toEqual(NO_DRIFT);
      expect(await boards.drift()).toEqual(NO_DRIFT);
    } catch (error) {
      throw context(operations, error);
    }
    // The run exercised what it is meant to: counted and uncounted results, approvals over weeks, hides, teams.
    expect(oracle.results.some((result) => oracle.counted(result) !== null)).toBe(true);
    expect(oracle.results.some((result) => result.approvedAt !== null)).toBe(true);
    expect(oracle.results.some((result) => result.hidden)).toBe(true);
    expect(oracle.teamBoard('ALL').length).toBeGreaterThan(0);
    expect(oracle.weeks().size).toBeGreaterThan(1);
  }

  it.each(SEEDS)(
    `seed %i: after ${OPERATIONS} random results, rescorings, approvals, hides and team moves, every board equals its recomputation and the oracle`,
    async (seed) => {
      await run(seed, OPERATIONS);
    },
  );

  it('catches a board kept wrong: a result written behind the upkeep is drift, until a recompute corrects it', async () => {
    const oracle = new Oracle();
    const [ada, bob] = await learners('lbp-leak', 2, oracle);
    const pruned = challenges['pruned-mlp-speedup']!;
    const created = (await runner.run((tx) =>
      teams.createWithOwner({ slug: 'lbp-leak-team', name: 'Leak', inviteCode: 'LEAKCODE' }, bob!, tx),
    ))!;
    await score(bob!, pruned, { status: 'SCORED', verdict: 'PASSED', points: 50, deviceClass: 'cpu', speedup: 2 });
    expect(await boards.drift()).toEqual(NO_DRIFT);

    // Ada's passing result, and a join of her team, written with plain SQL: no upkeep ran.
    const attempt = await app
      .get(AttemptRepository)
      .findOrCreate({ userId: ada!, challengeId: pruned.id, challengeVersion: pruned.version, secretSeed: 's' });
    await prisma.$executeRaw`INSERT INTO "Submission" (id, "attemptId", "userId", "challengeId", status) VALUES (${randomUUID()}::uuid, ${attempt.id}::uuid, ${ada}::uuid, ${pruned.id}::uuid, 'SCORED')`;
    await prisma.$executeRaw`INSERT INTO "Result" (id, "submissionId", verdict, points, metrics, flags, environment, "jobId", "scoringClaim")
      SELECT gen_random_uuid(), s.id, 'PASSED', 120, '{"timing":{"speedup":3}}', '{}', '{"deviceClass":"cuda"}', 'job', 1 FROM "Submission" s WHERE s."userId" = ${ada}::uuid`;
    await prisma.$executeRaw`INSERT INTO "Membership" ("userId", "teamId", role) VALUES (${ada}::uuid, ${created.team.id}::uuid, 'MEMBER')`;
    // Missing: her best rows on cuda and "*", over all time and this week (4), her totals (2); her team's
    // totals over all time and this week are wrong (2 rows, each counted as the stored row extra and the right one missing).
    expect(await boards.drift()).toEqual({ bests: 4, totals: 2, teams: 4 });
    expect((await rows({ scope: 'GLOBAL' })).map((row) => row.handle)).toEqual(['lbp-leak-l1']);

    // A recompute counts what it corrected per (learner, challenge), learner and team.
    expect(await runner.run((tx) => boards.recompute(tx))).toEqual({ bests: 1, totals: 1, teams: 1 });
    expect(await boards.drift()).toEqual(NO_DRIFT);
    expect((await rows({ scope: 'GLOBAL' })).map((row) => [row.rank, row.handle, row.points])).toEqual([
      [1, 'lbp-leak-l0', 120],
      [2, 'lbp-leak-l1', 50],
    ]);
    expect((await rows({ scope: 'TEAM' })).map((row) => [row.handle, row.points])).toEqual([['lbp-leak-team', 170]]);

    // A hide behind the upkeep's back is drift too; so is a board row edited by hand.
    await prisma.$executeRaw`UPDATE "Result" SET "hiddenAt" = now() FROM "Submission" s WHERE s.id = "Result"."submissionId" AND s."userId" = ${ada}::uuid`;
    expect(await boards.drift()).toMatchObject({ bests: 4, totals: 2 });
    await runner.run((tx) => boards.recompute(tx));
    await prisma.$executeRaw`UPDATE "LeaderboardTotal" SET points = points + 0.01 WHERE "userId" = ${bob}::uuid AND period = 'ALL'`;
    expect(await boards.drift()).toEqual({ bests: 0, totals: 2, teams: 0 });
    expect(await runner.run((tx) => boards.recompute(tx))).toEqual({ bests: 0, totals: 1, teams: 0 });
    expect(await boards.drift()).toEqual(NO_DRIFT);
  });

  /** Resolves for all `parties` once each has arrived: transactions that wait on it overlap. */
  function barrier(parties: number): () => Promise<void> {
    let arrived = 0;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return () => {
      if (++arrived === parties) open();
      return opened;
    };
  }

  /** Claims, then finishes inside a transaction that first waits at `meet` (so concurrent ones overlap). */
  async function scoreTogether(userId: string, challenge: ChallengeInfo, outcome: Outcome, meet: () => Promise<void>) {
    const submission = await newSubmission(userId, challenge);
    const claim = (await scoring.claim(submission.id, scorerId))!;
    return {
      finish: () =>
        runner.run(async (tx) => {
          await tx.$queryRaw`SELECT 1`;
          await meet();
          return scoring.finish(submission.id, claim, 'job', scorerId, endOf(outcome), tx);
        }),
    };
  }

  it('concurrent finishes of one learner on two challenges leave no drift (the per-learner lock)', async () => {
    const oracle = new Oracle();
    const [ada] = await learners('lbp-same', 1, oracle);
    const team = (await runner.run((tx) =>
      teams.createWithOwner({ slug: 'lbp-same-team', name: 'Same', inviteCode: 'SAMECODE' }, ada!, tx),
    ))!;
    for (let round = 1; round <= 6; round++) {
      const meet = barrier(2);
      const one = await scoreTogether(
        ada!,
        challenges['pruned-mlp-speedup']!,
        { status: 'SCORED', verdict: 'PASSED', points: 10 * round, deviceClass: 'cpu', speedup: 2 },
        meet,
      );
      const two = await scoreTogether(
        ada!,
        challenges['unfold-cnn-speedup']!,
        { status: 'SCORED', verdict: 'PASSED', points: 20 * round, deviceClass: 'cuda', speedup: 3 },
        meet,
      );
      const deltas = await Promise.all([one.finish(), two.finish()]);
      expect(deltas.every((delta) => delta !== null)).toBe(true);
      const expected = 30 * round; // 10·round + 20·round: each round's results are the best yet
      expect({ round, drift: await boards.drift() }).toEqual({ round, drift: NO_DRIFT });
      expect((await rows({ scope: 'GLOBAL' })).map((row) => [row.handle, row.points])).toEqual([['lbp-same-l0', expected]]);
      expect((await rows({ scope: 'TEAM' })).map((row) => [row.handle, row.points])).toEqual([[team.team.slug, expected]]);
    }
  });

  it('concurrent finishes of two learners of one team leave no drift (the team lock)', async () => {
    const oracle = new Oracle();
    const [ada, bob] = await learners('lbp-pair', 2, oracle);
    const team = (await runner.run((tx) =>
      teams.createWithOwner({ slug: 'lbp-pair-team', name: 'Pair', inviteCode: 'PAIRCODE' }, ada!, tx),
    ))!;
    await runner.run((tx) => teams.addMember(team.team.id, bob!, tx));
    for (let round = 1; round <= 6; round++) {
      const meet = barrier(2);
      const slug = round % 2 ? 'pruned-mlp-speedup' : 'stable-softmax';
      const one = await scoreTogether(
        ada!,
        challenges[slug]!,
        { status: 'SCORED', verdict: 'PASSED', points: 100 + round, deviceClass: 'cpu', speedup: 2 },
        meet,
      );
      const two = await scoreTogether(
        bob!,
        challenges[slug]!,
        { status: 'SCORED', verdict: 'PASSED', points: 200 + round, deviceClass: 'cpu', speedup: 3 },
        meet,
      );
      await Promise.all([one.finish(), two.finish()]);
      expect({ round, drift: await boards.drift() }).toEqual({ round, drift: NO_DRIFT });
    }
    // Best per challenge: ada 105 + 106, bob 205 + 206.
    expect((await rows({ scope: 'TEAM' })).map((row) => [row.handle, row.points])).toEqual([['lbp-pair-team', 105 + 106 + 205 + 206]]);
  });

  /**
   * A finish and a team join of the same learner, interleaved on purpose: the first transaction
   * has done its leaderboard work and waits (uncommitted) while the second runs. Whichever order,
   * the team's total must end up with the learner's new points.
   */
  it.each(['finish first', 'join first'] as const)(
    'a finish and a join of the same learner, interleaved (%s), leave no drift',
    async (order) => {
      const oracle = new Oracle();
      const [ada, bob] = await learners(`lbp-race-${order === 'finish first' ? 'f' : 'j'}`, 2, oracle);
      const team = (await runner.run((tx) =>
        teams.createWithOwner({ slug: `lbp-race-${order.split(' ')[0]}`, name: 'Race', inviteCode: randomUUID() }, bob!, tx),
      ))!;
      const pruned = challenges['pruned-mlp-speedup']!;
      await score(ada!, pruned, { status: 'SCORED', verdict: 'PASSED', points: 40, deviceClass: 'cpu', speedup: 2 });
      const submission = await newSubmission(ada!, pruned);
      const claim = (await scoring.claim(submission.id, scorerId))!;
      const outcome: Outcome = { status: 'SCORED', verdict: 'PASSED', points: 90, deviceClass: 'cpu', speedup: 4 };

      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let firstDone!: () => void;
      const firstHasWritten = new Promise<void>((resolve) => (firstDone = resolve));
      const finish = (hold: boolean) =>
        runner.run(async (tx) => {
          const delta = await scoring.finish(submission.id, claim, 'job', scorerId, endOf(outcome), tx);
          if (hold) {
            firstDone();
            await gate;
          }
          return delta;
        });
      const join = (hold: boolean) =>
        runner.run(async (tx) => {
          await teams.lockUser(ada!, tx);
          await teams.lock(team.team.id, tx);
          const delta = await teams.addMember(team.team.id, ada!, tx);
          if (hold) {
            firstDone();
            await gate;
          }
          return delta;
        });

      const first = order === 'finish first' ? finish(true) : join(true);
      await firstHasWritten;
      const second = order === 'finish first' ? join(false) : finish(false);
      // The second may wait for the first (a lock) or not; give it time to run ahead if it can.
      await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 400))]);
      release();
      await Promise.all([first, second]);

      expect(await boards.drift()).toEqual(NO_DRIFT);
      expect((await rows({ scope: 'TEAM' })).map((row) => [row.handle, row.points])).toEqual([[team.team.slug, 90]]);
    },
  );
});
