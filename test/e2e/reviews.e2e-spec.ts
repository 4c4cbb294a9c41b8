import { createClient } from 'graphql-ws';
import { withClient } from '@app/testing';
import { formatNumber } from '../../sandboxes/report/report-claims';
import { startServer } from '../../apps/api/src/bootstrap/server';
import pino from 'pino';
import { errorCode, errorReason, makeRole, register, type Account } from '../support/accounts';
import { catalogModel, startAttempt, submitModel, uploadBytes, waitForEnd } from '../support/scoring';
import { asTestApp, startTestApp, testConfig, type GraphqlResponse, type TestApp } from '../support/test-app';
import { pruningReport, REPORT_RUBRIC } from '../support/reports';

/*
 * Documented results and mentor reviews (issue #8), end to end over HTTP with the embedded scorer:
 * a scored model, a report on it checked in the sandbox, a mentor's queue, claims with leases,
 * anchored comments, request-changes / resubmit / approve, and the rules around them.
 */

const REPORT_FIELDS = `id status rejection { code message } result { verdict points flags
  reportChecks { missingSections overclaims checks { name passed explanation } claims { kind value unit verdict measured } headings { text anchor } }
}`;
const REVIEW_FIELDS =
  'id state reason leaseExpiresAt approvedPoints rubricScores { criterion score maxScore } mentor { handle } submission { id } history { action }';

interface Report {
  id: string;
  status: string;
  rejection: { code: string; message: string } | null;
  result: {
    verdict: string;
    points: number;
    flags: string[];
    reportChecks: {
      missingSections: string[];
      overclaims: number;
      checks: { name: string; passed: boolean; explanation: string }[];
      claims: { kind: string; value: number; unit: string; verdict: string; measured: string | null }[];
      headings: { text: string; anchor: string }[];
    };
  } | null;
}
interface ReviewView {
  id: string;
  state: string;
  reason: string;
  leaseExpiresAt: string | null;
  approvedPoints: number | null;
  rubricScores: { criterion: string; score: number; maxScore: number }[];
  mentor: { handle: string } | null;
  submission: { id: string };
  history: { action: string }[];
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('documented results and mentor reviews', () => {
  let app: TestApp;
  let learner: Account;
  let teammateMentor: Account;
  let mentor: Account;
  let otherMentor: Account;
  let evidenceId: string;
  let speedupHigh: number;
  let documentAttempt: string;

  const gql = (account: Account, query: string, variables: Record<string, unknown> = {}) => app.graphql(query, variables, account.auth);
  const data = <T>(response: GraphqlResponse, field: string): T => {
    if (!response.body.data?.[field]) throw new Error(`${field} failed: ${JSON.stringify(response.body.errors)}`);
    return response.body.data[field] as T;
  };
  const submitReport = async (account: Account, attemptId: string, markdown: string, evidence = evidenceId) =>
    gql(account, 'mutation($i: SubmitReportInput!) { submitReport(input: $i) { id status } }', {
      i: { attemptId, markdown, evidenceSubmissionId: evidence },
    });
  const scoredReport = async (account: Account, markdown: string): Promise<Report> => {
    const { id } = data<{ id: string }>(await submitReport(account, documentAttempt, markdown), 'submitReport');
    await waitForEnd(app, account, id, 120_000);
    return data<Report>(await gql(account, `query($id: ID!) { submission(id: $id) { ${REPORT_FIELDS} } }`, { id }), 'submission');
  };
  const reviewOf = async (account: Account, submissionId: string): Promise<ReviewView> =>
    data<{ review: ReviewView }>(
      await gql(account, `query($id: ID!) { submission(id: $id) { review { ${REVIEW_FIELDS} } } }`, { id: submissionId }),
      'submission',
    ).review;
  const claim = (account: Account, reviewId: string) =>
    gql(account, `mutation($id: ID!) { claimReview(reviewId: $id) { ${REVIEW_FIELDS} } }`, { id: reviewId });
  const decide = (account: Account, input: Record<string, unknown>) =>
    gql(account, `mutation($i: DecideReviewInput!) { decideReview(input: $i) { ${REVIEW_FIELDS} } }`, { i: input });
  const board = async () =>
    data<{ edges: { node: { handle: string; points: number; rank: number } }[] }>(
      await app.graphql(
        '{ leaderboard(scope: CHALLENGE, challengeSlug: "document-an-optimization", first: 100) { edges { node { handle points rank } } } }',
      ),
      'leaderboard',
    ).edges.map((edge) => edge.node);
  const fullRubric = (score: 'max' | 'min') =>
    REPORT_RUBRIC.map((item) => ({ criterion: item.criterion, score: score === 'max' ? item.maxScore : 0 }));

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded' });
    [learner, teammateMentor, mentor, otherMentor] = await Promise.all(
      ['rv-learner', 'rv-teammate', 'rv-mentor', 'rv-mentor-2'].map((handle) => register(app, handle)),
    );
    await Promise.all([teammateMentor, mentor, otherMentor].map((account) => makeRole(app, account, 'MENTOR')));
    const team = data<{ inviteCode: string }>(
      await gql(learner, 'mutation { createTeam(input: { name: "Reviewed", slug: "reviewed" }) { inviteCode } }'),
      'createTeam',
    );
    data(await gql(teammateMentor, 'mutation($c: String!) { joinTeam(inviteCode: $c) { slug } }', { c: team.inviteCode }), 'joinTeam');

    // The evidence: the learner's scored speedup on pruned-mlp-speedup (the challenge's known solution).
    const attemptId = await startAttempt(app, learner, 'pruned-mlp-speedup');
    evidenceId = await submitModel(
      app,
      learner,
      attemptId,
      await uploadBytes(app, learner, catalogModel('pruned-mlp-speedup', 'known-solution')),
    );
    const scored = await waitForEnd(app, learner, evidenceId, 300_000);
    if (scored.status !== 'SCORED') throw new Error(`evidence not scored: ${JSON.stringify(scored)}`);
    speedupHigh = data<{ result: { speedupHigh: number } }>(
      await gql(learner, `query($id: ID!) { submission(id: $id) { result { speedupHigh } } }`, { id: evidenceId }),
      'submission',
    ).result.speedupHigh;
    documentAttempt = await startAttempt(app, learner, 'document-an-optimization');
  }, 400_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('an overclaimed report is flagged with both numbers; changes are requested; the corrected one is approved by the same mentor', async () => {
    const overclaim = `${(speedupHigh * 3).toFixed(1)}×`;
    const first = await scoredReport(learner, pruningReport(overclaim));
    expect(first.status).toBe('SCORED');
    expect(first.result!.flags).toContain('CLAIM_EXCEEDS_MEASUREMENT');
    const claimed = first.result!.reportChecks.claims.find((item) => item.kind === 'speedup')!;
    expect(claimed).toMatchObject({ verdict: 'EXCEEDS', value: Number((speedupHigh * 3).toFixed(1)) });
    const explanation = first.result!.reportChecks.checks.find((check) => !check.passed && check.name === 'CLAIM_SPEEDUP');
    // Both numbers, as the checker writes them: the claim and the measured interval's upper bound.
    expect(explanation?.explanation).toContain(`${formatNumber(Number((speedupHigh * 3).toFixed(1)))}×`);
    expect(explanation?.explanation).toContain(`${formatNumber(speedupHigh)}×`);
    expect(claimed.measured).toContain(`${formatNumber(speedupHigh)}×`);
    expect(first.result!.reportChecks.missingSections).toEqual([]);

    // The review was opened by the scoring itself (DOCUMENT_RESULTS needs one).
    const review = await reviewOf(learner, first.id);
    expect(review).toMatchObject({ state: 'PENDING', reason: 'REQUIRED', mentor: null });

    // The learner follows the review live over graphql-ws.
    const states: string[] = [];
    const client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: learner.auth.authorization },
    });
    const subscribed = new Promise<void>((resolve, reject) => {
      client.subscribe<{ reviewUpdated: { state: string } }>(
        { query: 'subscription($id: ID!) { reviewUpdated(id: $id) { state } }', variables: { id: review.id } },
        {
          next: (value) => {
            if (value.data) states.push(value.data.reviewUpdated.state);
            resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await subscribed;

    // Who may not: the learner themselves, and a mentor in the learner's team.
    expect(errorCode(await claim(learner, review.id))).toBe('FORBIDDEN');
    expect(errorCode(await claim(teammateMentor, review.id))).toBe('FORBIDDEN');
    expect(errorCode(await decide(learner, { reviewId: review.id, decision: 'APPROVE', rubric: fullRubric('max') }))).toBe('FORBIDDEN');
    const teammateQueue = data<{ edges: { node: { id: string } }[] }>(
      await gql(teammateMentor, '{ reviewQueue(first: 100) { edges { node { id } } } }'),
      'reviewQueue',
    );
    expect(teammateQueue.edges.map((edge) => edge.node.id)).not.toContain(review.id);
    const queue = data<{ edges: { node: { id: string } }[] }>(
      await gql(mentor, '{ reviewQueue(first: 100, kind: DOCUMENT_RESULTS) { edges { node { id } } } }'),
      'reviewQueue',
    );
    expect(queue.edges.map((edge) => edge.node.id)).toContain(review.id);

    // The mentor claims, comments on a heading, and requests changes.
    expect(data<ReviewView>(await claim(mentor, review.id), 'claimReview')).toMatchObject({
      state: 'CLAIMED',
      mentor: { handle: mentor.handle },
    });
    const results = first.result!.reportChecks.headings.find((heading) => heading.text === 'Results')!;
    const comment = await gql(mentor, 'mutation($i: ReviewCommentInput!) { commentOnReview(input: $i) { id anchor author { handle } } }', {
      i: {
        reviewId: review.id,
        body: 'Your interval does not reach this number; quote the measured interval.',
        anchor: `heading:${results.anchor}`,
      },
    });
    expect(data(comment, 'commentOnReview')).toMatchObject({ anchor: `heading:${results.anchor}`, author: { handle: mentor.handle } });
    const badAnchor = await gql(mentor, 'mutation($i: ReviewCommentInput!) { commentOnReview(input: $i) { id } }', {
      i: { reviewId: review.id, body: 'x', anchor: 'heading:no-such-heading' },
    });
    expect(errorReason(badAnchor)).toBe('COMMENT_INVALID');
    const changes = data<ReviewView>(
      await decide(mentor, { reviewId: review.id, decision: 'REQUEST_CHANGES', summary: 'Quote the interval.' }),
      'decideReview',
    );
    expect(changes).toMatchObject({ state: 'CHANGES_REQUESTED', approvedPoints: null });
    // Scored, even with points, but not approved: nothing on the leaderboard.
    expect(first.result!.points).toBeGreaterThanOrEqual(0);
    expect((await board()).map((row) => row.handle)).not.toContain(learner.handle);

    await waitUntil(() => states.includes('CHANGES_REQUESTED'));
    expect(states[0]).toBe('PENDING');
    expect(states.indexOf('CLAIMED')).toBeGreaterThan(0);
    expect(states.indexOf('CLAIMED')).toBeLessThan(states.indexOf('CHANGES_REQUESTED'));
    await client.dispose();

    // The corrected report on the same attempt reopens the review, kept for the same mentor.
    const corrected = await scoredReport(learner, pruningReport(`${speedupHigh.toFixed(2)}×`));
    expect(corrected.result!.flags).toEqual([]);
    const reopened = await reviewOf(learner, corrected.id);
    expect(reopened).toMatchObject({ id: review.id, state: 'PENDING', submission: { id: corrected.id } });
    expect(errorReason(await claim(otherMentor, review.id))).toBe('REVIEW_NOT_CLAIMABLE');
    data(await claim(mentor, review.id), 'claimReview');
    const approved = data<ReviewView>(
      await decide(mentor, { reviewId: review.id, decision: 'APPROVE', rubric: fullRubric('max'), summary: 'Reproducible.' }),
      'decideReview',
    );
    expect(approved.state).toBe('APPROVED');
    expect(approved.approvedPoints).toBe(corrected.result!.points);
    expect(approved.rubricScores).toHaveLength(REPORT_RUBRIC.length);
    // Only now do the points count, on the board and not before.
    expect(await board()).toContainEqual({ handle: learner.handle, points: corrected.result!.points, rank: 1 });
    expect(approved.history.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['CREATED', 'CLAIMED', 'RESPONDED', 'CHANGES_REQUESTED', 'RESUBMITTED', 'APPROVED']),
    );
    const stats = data<{ decided: number; approved: number; medianFirstResponseMs: number | null }>(
      await gql(mentor, '{ mentorStats { decided approved medianFirstResponseMs } }'),
      'mentorStats',
    );
    expect(stats).toMatchObject({ decided: 2, approved: 1 });
    expect(stats.medianFirstResponseMs).toBeGreaterThanOrEqual(0);
    expect(errorCode(await gql(learner, '{ mentorStats { decided } }'))).toBe('FORBIDDEN');
    // The learner sees the review and its comments; another learner sees nothing of it.
    const stranger = await register(app, 'rv-stranger');
    expect(errorCode(await gql(stranger, 'query($id: ID!) { review(id: $id) { id } }', { id: review.id }))).toBe('FORBIDDEN');
    const seen = data<{ comments: { body: string }[] }>(
      await gql(learner, 'query($id: ID!) { review(id: $id) { comments { body } } }', { id: review.id }),
      'review',
    );
    expect(seen.comments).toHaveLength(1);
  });

  it('lists exactly the missing sections; refuses a 300 KB report with REPORT_TOO_LARGE and stores nothing', async () => {
    const missing = await scoredReport(learner, pruningReport('1.0×', { omit: ['Limitations', 'Reproduction'] }));
    expect(missing.result!.reportChecks.missingSections).toEqual(['Limitations', 'Reproduction']);
    expect(missing.result!.verdict).toBe('FAILED');

    const before = data<{ edges: unknown[] }>(
      await gql(learner, '{ mySubmissions(first: 100) { edges { node { id } } } }'),
      'mySubmissions',
    ).edges.length;
    const huge = await submitReport(learner, documentAttempt, `# Results\n\n${'x'.repeat(300 * 1024)}`);
    expect(errorCode(huge)).toBe('BAD_USER_INPUT');
    expect(errorReason(huge)).toBe('REPORT_TOO_LARGE');
    const stranger = await register(app, 'rv-evidence-thief');
    const strangerAttempt = await startAttempt(app, stranger, 'document-an-optimization');
    expect(errorReason(await submitReport(stranger, strangerAttempt, pruningReport('1.0×')))).toBe('EVIDENCE_INVALID');
    const after = data<{ edges: unknown[] }>(await gql(learner, '{ mySubmissions(first: 100) { edges { node { id } } } }'), 'mySubmissions')
      .edges.length;
    expect(after).toBe(before);
  });

  it('two mentors racing for one review: exactly one wins', async () => {
    const review = data<{ id: string }>(
      await gql(learner, 'mutation($id: ID!) { requestReview(submissionId: $id) { id } }', { id: evidenceId }),
      'requestReview',
    );
    const [a, b] = await Promise.all([claim(mentor, review.id), claim(otherMentor, review.id)]);
    const winners = [a, b].filter((response) => !response.body.errors);
    expect(winners).toHaveLength(1);
    expect(errorReason([a, b].find((response) => response.body.errors)!)).toBe('REVIEW_NOT_CLAIMABLE');
    const holder = winners[0] === a ? mentor : otherMentor;
    data(await gql(holder, 'mutation($id: ID!) { releaseReview(reviewId: $id) { id } }', { id: review.id }), 'releaseReview');
  });

  it('an expired lease lets another mentor claim; the first can no longer decide', async () => {
    // A second API process on the same database, with a one-second lease.
    const config = testConfig(app.database, { REVIEW_LEASE_SECONDS: '1' });
    const short = asTestApp(await startServer(config, pino({ level: 'silent' })), app.database, config);
    try {
      const review = data<{ id: string }>(
        await gql(learner, 'mutation($id: ID!) { requestReview(submissionId: $id) { id } }', { id: evidenceId }),
        'requestReview',
      );
      const claimed = await short.graphql(
        'mutation($id: ID!) { claimReview(reviewId: $id) { state leaseExpiresAt } }',
        { id: review.id },
        mentor.auth,
      );
      expect(claimed.body.data!.claimReview).toMatchObject({ state: 'CLAIMED' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(data<ReviewView>(await claim(otherMentor, review.id), 'claimReview').mentor).toEqual({ handle: otherMentor.handle });
      expect(errorReason(await decide(mentor, { reviewId: review.id, decision: 'REQUEST_CHANGES' }))).toBe('REVIEW_NOT_CLAIMED_BY_YOU');
      data(await gql(otherMentor, 'mutation($id: ID!) { releaseReview(reviewId: $id) { id } }', { id: review.id }), 'releaseReview');
    } finally {
      await short.close();
    }
  });

  it('a mentor holds at most four claims', async () => {
    const reviews: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const someone = await register(app, `rv-queue-${index}`);
      const attemptId = await startAttempt(app, someone, 'pruned-mlp-speedup');
      const id = await submitModel(
        app,
        someone,
        attemptId,
        await uploadBytes(app, someone, catalogModel('pruned-mlp-speedup', 'reference')),
      );
      // Scoring a reference takes a while; the review only needs a SCORED status.
      await withClient(app.database.url, (client) => client.query(`UPDATE "Submission" SET status = 'SCORED' WHERE id = $1`, [id]));
      reviews.push(
        data<{ id: string }>(await gql(someone, 'mutation($id: ID!) { requestReview(submissionId: $id) { id } }', { id }), 'requestReview')
          .id,
      );
    }
    for (const id of reviews.slice(0, 4)) data(await claim(otherMentor, id), 'claimReview');
    const fifth = await claim(otherMentor, reviews[4]!);
    expect(errorReason(fifth)).toBe('REVIEW_CLAIM_LIMIT');
    expect(fifth.body.errors![0]!.extensions).toMatchObject({ limit: 4 });
  });
});
