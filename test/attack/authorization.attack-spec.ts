import { withClient } from '@app/testing';
import { errorCode, errorReason, type Account } from '../support/accounts';
import { buildStrangers, buildWorld, type Strangers, type World } from '../support/authorization-matrix';
import { rowCounts, socketClient } from '../support/graphql-http';
import { startTestApp, type GraphqlResponse, type TestApp } from '../support/test-app';

// Reaching someone else's objects by the side doors: nested fields and edges of objects the caller
// may see, subscriptions, the portfolio, fields a client adds to an input (mass assignment), and an
// old token after the caller lost their place in a team. The direct queries and mutations of every
// operation × persona are the authorization matrix (test/e2e/authorization-matrix.e2e-spec.ts);
// its World (a learner with a team, a teammate, a submission under review, a session, a journal
// entry) is reused here.

/** Every error's code, by the path it answers for. */
const codesByPath = (response: GraphqlResponse) =>
  Object.fromEntries(
    ((response.body.errors ?? []) as Array<{ path?: readonly (string | number)[]; extensions?: Record<string, unknown> }>).map((error) => [
      (error.path ?? []).join('.'),
      error.extensions?.code,
    ]),
  );

/** Integrity evidence as the scorer stores it for an AI-free submission (metrics.integrity). */
const INTEGRITY = {
  replayMatches: false,
  replayDistance: 41,
  replayErrors: [],
  missingBatches: [3],
  pasteCount: 1,
  pastedChars: 400,
  internalPastedChars: 0,
  pastedShare: 0.9,
  bursts: [],
  burstCount: 0,
  focusLostMs: 120_000,
  typing: { typedChars: 12, medianIntervalMs: 140 },
  flags: ['EXTERNAL_PASTE', 'REPLAY_MISMATCH'],
};

describe('authorization attacks', () => {
  let app: TestApp;
  let strangers: Strangers;
  let world: World;

  beforeAll(async () => {
    app = await startTestApp();
    strangers = await buildStrangers(app);
    world = await buildWorld(app, strangers);
  });

  afterAll(async () => {
    await app.stop();
  });

  const sql = (text: string, values: unknown[] = []) => withClient(app.database.url, (client) => client.query(text, values));
  const as = (account: Account, query: string, variables?: Record<string, unknown>) => app.graphql(query, variables, account.auth);

  it("another team's learner reaching the learner through team.members sees no email, time zone, progress, tokens or invite code", async () => {
    const response = await as(
      world.otherTeamLearner,
      `query($slug: String!) { team(slug: $slug) {
        inviteCode owner { handle email timeZone }
        members { handle email timeZone progress { points } apiTokens(first: 5) { edges { node { name } } } }
      } }`,
      { slug: world.team.slug },
    );
    // apiTokens and the members are non-null: the first refusal nulls the whole list, and nothing of it is answered.
    expect(codesByPath(response)).toEqual({ 'team.members.0.apiTokens': 'FORBIDDEN' });
    expect(response.body.data).toEqual({ team: null });
    const withoutTokens = await as(
      world.otherTeamLearner,
      'query($slug: String!) { team(slug: $slug) { inviteCode owner { email timeZone } members { handle email timeZone progress { points } } } }',
      { slug: world.team.slug },
    );
    expect(withoutTokens.body).toEqual({
      data: {
        team: {
          inviteCode: null,
          owner: { email: null, timeZone: null },
          members: [
            { handle: world.learner.handle, email: null, timeZone: null, progress: null },
            { handle: world.teammate.handle, email: null, timeZone: null, progress: null },
          ],
        },
      },
    });
  });

  it("a mentor who may review the learner's work reaches the learner through review.learner: no email, time zone, progress or tokens", async () => {
    const response = await as(
      world.mentor,
      `query($id: ID!) { review(id: $id) { id state
        learner { handle email timeZone progress { points } team { inviteCode } apiTokens(first: 5) { edges { node { name } } } }
      } }`,
      { id: world.learnerReviewId },
    );
    expect(codesByPath(response)).toEqual({ 'review.learner.apiTokens': 'FORBIDDEN' });
    const withoutTokens = await as(
      world.mentor,
      'query($id: ID!) { review(id: $id) { state learner { handle email timeZone progress { points } team { inviteCode } } } }',
      { id: world.learnerReviewId },
    );
    expect(withoutTokens.body).toEqual({
      data: {
        review: {
          state: 'PENDING',
          learner: { handle: world.learner.handle, email: null, timeZone: null, progress: null, team: { inviteCode: null } },
        },
      },
    });
  });

  it('edges to the attempt (review.submission.attempt, submission.attempt): the reviewing mentor is refused the attempt, other learners the review', async () => {
    // The attempt (its quota and history) is its learner's: a reviewer sees the submission, not the attempt.
    const viaReview = await as(world.mentor, 'query($id: ID!) { review(id: $id) { submission { id status attempt { id } } } }', {
      id: world.learnerReviewId,
    });
    expect([codesByPath(viaReview), viaReview.body.data]).toEqual([{ 'review.submission.attempt': 'FORBIDDEN' }, { review: null }]);
    const direct = await as(world.mentor, 'query($id: ID!) { submission(id: $id) { id attempt { id quota { used } } } }', {
      id: world.learnerSubmissionId,
    });
    expect([codesByPath(direct), direct.body.data]).toEqual([{ 'submission.attempt': 'FORBIDDEN' }, { submission: null }]);
    const reviewed = await as(world.mentor, 'query($id: ID!) { review(id: $id) { submission { id status } } }', {
      id: world.learnerReviewId,
    });
    expect(reviewed.body).toEqual({ data: { review: { submission: { id: world.learnerSubmissionId, status: 'SCORED' } } } });
    for (const other of [world.otherTeamLearner, world.teammate]) {
      const refused = await as(other, 'query($id: ID!) { review(id: $id) { submission { id attempt { id } } } }', {
        id: world.learnerReviewId,
      });
      expect([codesByPath(refused), refused.body.data]).toEqual([{ review: 'FORBIDDEN' }, { review: null }]);
    }
  });

  it('Result.integrity of an AI-free submission is hidden from other learners (a teammate too) by every path; the learner sees it', async () => {
    const submitted = await as(world.learner, 'mutation($i: SubmitCodeInput!) { submitCode(input: $i) { id } }', {
      i: { sessionId: world.learnerSessionId, code: 'export function softmax(x) { return x; }', language: 'javascript' },
    });
    const submissionId = (submitted.body.data!.submitCode as { id: string }).id;
    // Nothing scores here: the result is written the way the scorer writes it (see the leaderboard int spec).
    await sql(`UPDATE "Submission" SET status = 'SCORED' WHERE id = $1`, [submissionId]);
    await sql(
      `INSERT INTO "Result" (id, "submissionId", verdict, points, metrics, flags, environment, "jobId", "scoringClaim")
       VALUES (gen_random_uuid(), $1, 'FAILED', 0, $2, '{}', '{}', 'job', 1)`,
      [submissionId, JSON.stringify({ integrity: INTEGRITY })],
    );
    const paths = [
      'query($id: ID!) { submission(id: $id) { result { integrity { flags pastedShare } } } }',
      '{ mySubmissions(first: 100) { edges { node { id result { integrity { flags } } } } } }',
    ];
    for (const other of [world.teammate, world.otherTeamLearner]) {
      const direct = await as(other, paths[0]!, { id: submissionId });
      expect([errorCode(direct), direct.body.data]).toEqual(['FORBIDDEN', { submission: null }]);
      const listed = await as(other, paths[1]!);
      expect(listed.body).toEqual({ data: { mySubmissions: { edges: [] } } });
    }
    // Over a subscription too: the same refusal, nothing streamed.
    const socket = socketClient(app, world.otherTeamLearner.auth.authorization);
    try {
      const subscribed = await socket.run('subscription($id: ID!) { submissionUpdated(id: $id) { result { integrity { flags } } } }', {
        id: submissionId,
      });
      expect(subscribed.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    } finally {
      await socket.client.dispose();
    }
    const own = await as(world.learner, paths[0]!, { id: submissionId });
    expect(own.body).toEqual({ data: { submission: { result: { integrity: { flags: INTEGRITY.flags, pastedShare: 0.9 } } } } });
  });

  it("subscribing to another learner's submission or review over graphql-ws is FORBIDDEN and streams nothing", async () => {
    const socket = socketClient(app, world.otherTeamLearner.auth.authorization);
    try {
      const submission = await socket.run('subscription($id: ID!) { submissionUpdated(id: $id) { id status } }', {
        id: world.learnerSubmissionId,
      });
      const review = await socket.run('subscription($id: ID!) { reviewUpdated(id: $id) { id state comments { body } } }', {
        id: world.learnerReviewId,
      });
      for (const answer of [submission, review]) {
        expect(answer).toEqual({ error: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })] });
      }
    } finally {
      await socket.client.dispose();
    }
  });

  it("the learner's portfolio shows a stranger none of their private work (the journal entry, the review, the session)", async () => {
    const response = await app.graphql(
      'query($h: String!) { portfolio(handle: $h) { handle journal { id } reports { submissionId } certificates { certificateId } streaks { points } } }',
      { h: world.learner.handle },
      world.otherTeamLearner.auth,
    );
    expect(response.body).toEqual({
      data: { portfolio: { handle: world.learner.handle, journal: [], reports: [], certificates: [], streaks: null } },
    });
  });

  describe('mass assignment: fields a client adds to an input are refused, nothing stored', () => {
    const TABLES = ['User', 'Team', 'Membership', 'Submission', 'JournalEntry', 'EditBatch', 'AuditEvent'];

    it.each([
      [
        'submitModel with status and points',
        (w: World) =>
          `mutation { submitModel(input: { attemptId: "${w.learnerModelAttemptId}", modelSha256: "${w.learnerArtifact}", status: SCORED, points: 100 }) { id } }`,
        'Field "status" is not defined by type "SubmitModelInput".',
      ],
      [
        'register with a role',
        () =>
          'mutation { register(input: { email: "mass@example.com", handle: "mass", password: "correct horse battery staple", role: ADMIN }) { accessToken } }',
        'Field "role" is not defined by type "RegisterInput".',
      ],
      [
        'createTeam with an owner and a team id',
        (w: World) => `mutation { createTeam(input: { name: "Mine", slug: "mass-team", ownerId: "${w.teammate.id}", id: "x" }) { slug } }`,
        'Field "ownerId" is not defined by type "CreateTeamInput".',
      ],
      [
        'addJournalEntry for someone else, already public',
        (w: World) =>
          `mutation { addJournalEntry(input: { tried: "a", learned: "b", minutes: 1, userId: "${w.teammate.id}", public: true }) { id } }`,
        'Field "userId" is not defined by type "JournalEntryInput".',
      ],
      [
        'recordEdits with a userId and a server time',
        (w: World) =>
          `mutation { recordEdits(input: { sessionId: "${w.learnerSessionId}", seq: 7, userId: "${w.teammate.id}", receivedAt: 0, events: [] }) { seq } }`,
        'Field "userId" is not defined by type "EditBatchInput".',
      ],
    ])('%s, written in the document: GRAPHQL_VALIDATION_FAILED / UNKNOWN_INPUT_FIELD', async (_case, document, message) => {
      const before = await rowCounts(app, ...TABLES);
      const response = await as(world.learner, document(world));
      expect(response.status).toBe(400);
      expect(response.body.data).toBeNull();
      expect(response.body.errors!.map((e) => e.extensions?.code)).toEqual(response.body.errors!.map(() => 'GRAPHQL_VALIDATION_FAILED'));
      expect(response.body.errors!.map((e) => e.message)).toContain(message);
      expect(response.body.errors!.find((e) => e.message === message)!.extensions).toEqual({
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'UNKNOWN_INPUT_FIELD',
      });
      expect(await rowCounts(app, ...TABLES)).toEqual(before);
    });

    it.each([
      [
        'submitModel with status, points and a userId',
        'mutation($i: SubmitModelInput!) { submitModel(input: $i) { id } }',
        (w: World) => ({
          i: { attemptId: w.learnerModelAttemptId, modelSha256: w.learnerArtifact, status: 'SCORED', points: 100, userId: w.teammate.id },
        }),
      ],
      [
        'submitCode into another session with a team',
        'mutation($i: SubmitCodeInput!) { submitCode(input: $i) { id } }',
        (w: World) => ({
          i: { sessionId: w.learnerSessionId, code: 'x', language: 'javascript', team: w.team.slug, userId: w.teammate.id },
        }),
      ],
    ])('%s, sent as variables: BAD_USER_INPUT / UNKNOWN_INPUT_FIELD', async (_case, document, variables) => {
      const before = await rowCounts(app, ...TABLES);
      const response = await as(world.learner, document, variables(world));
      expect(response.status).toBe(400);
      expect([errorCode(response), errorReason(response), response.body.data]).toEqual(['BAD_USER_INPUT', 'UNKNOWN_INPUT_FIELD', null]);
      expect(response.body.errors![0]!.message).toMatch(/Field "(status|team)" is not defined by type "Submit(Model|Code)Input"\./);
      expect(await rowCounts(app, ...TABLES)).toEqual(before);
    });
  });

  describe('an old token after losing a place in a team', () => {
    const TEAM_FIELDS = 'query($slug: String!) { team(slug: $slug) { inviteCode members { handle } } me { team { slug } } }';

    /** The team's stored state: its invite code, owner and members. */
    async function teamState(slug: string) {
      const { rows } = await sql(
        `SELECT t."inviteCode", m."userId", m.role FROM "Team" t JOIN "Membership" m ON m."teamId" = t.id WHERE t.slug = $1 ORDER BY m."userId"`,
        [slug],
      );
      return rows;
    }

    const removeMember = (owner: Account, w: World, handle: string) =>
      as(owner, 'mutation($slug: String!, $h: String!) { removeTeamMember(teamSlug: $slug, handle: $h) { slug } }', {
        slug: w.team.slug,
        h: handle,
      });

    it('a removed member, with the token they had as a member, can no longer act on or see the team’s member material', async () => {
      const w = await buildWorld(app, strangers);
      const removed = await removeMember(w.learner, w, w.teammate.handle);
      expect(removed.body.errors).toBeUndefined();
      const before = await teamState(w.team.slug);

      const seen = await as(w.teammate, TEAM_FIELDS, { slug: w.team.slug });
      expect(seen.body).toEqual({ data: { team: { inviteCode: null, members: [{ handle: w.learner.handle }] }, me: { team: null } } });
      const leave = await as(w.teammate, 'mutation($slug: String!) { leaveTeam(teamSlug: $slug) }', { slug: w.team.slug });
      expect([errorCode(leave), leave.body.data]).toEqual(['FORBIDDEN', null]);
      const rotate = await as(w.teammate, 'mutation($slug: String!) { rotateInviteCode(teamSlug: $slug) { slug } }', { slug: w.team.slug });
      expect(errorCode(rotate)).toBe('FORBIDDEN');
      expect(await teamState(w.team.slug)).toEqual(before);
    });

    it('a former owner, demoted by a transfer and then removed, cannot use the token they had as owner on the team', async () => {
      const w = await buildWorld(app, strangers);
      const transferred = await as(
        w.learner,
        'mutation($slug: String!, $h: String!) { transferTeamOwnership(teamSlug: $slug, handle: $h) { slug } }',
        { slug: w.team.slug, h: w.teammate.handle },
      );
      expect(transferred.body.errors).toBeUndefined();
      const removed = await removeMember(w.teammate, w, w.learner.handle);
      expect(removed.body.errors).toBeUndefined();
      const before = await teamState(w.team.slug);

      const owned = [
        ['mutation($slug: String!) { rotateInviteCode(teamSlug: $slug) { inviteCode } }', {}],
        ['mutation($slug: String!, $h: String!) { removeTeamMember(teamSlug: $slug, handle: $h) { slug } }', { h: w.teammate.handle }],
        ['mutation($slug: String!, $h: String!) { transferTeamOwnership(teamSlug: $slug, handle: $h) { slug } }', { h: w.learner.handle }],
      ] as const;
      for (const [mutation, extra] of owned) {
        const response = await as(w.learner, mutation, { slug: w.team.slug, ...extra });
        expect([errorCode(response), response.body.data]).toEqual(['FORBIDDEN', null]);
      }
      const seen = await as(w.learner, TEAM_FIELDS, { slug: w.team.slug });
      expect(seen.body).toEqual({ data: { team: { inviteCode: null, members: [{ handle: w.teammate.handle }] }, me: { team: null } } });
      expect(await teamState(w.team.slug)).toEqual(before);
    });
  });
});
