import { withClient } from '@app/testing';
import { errorCode, errorReason, makeRole, register, type Account } from '../support/accounts';
import { catalogModel, startAttempt, submitModel, uploadBytes, waitForEnd } from '../support/scoring';
import { startTestApp, type GraphqlResponse, type TestApp } from '../support/test-app';
import { pruningReport, REPORT_RUBRIC } from '../support/reports';

/*
 * The public portfolio (issue #12), end to end over HTTP with the embedded scorer: a learner with
 * a real certificate (the catalog's known solution of pruned-mlp-speedup), a report a mentor
 * approved, streaks and journal entries shows each item and hides it again; after every step the
 * anonymous portfolio holds exactly what is public, and the badge follows at once.
 */

const PORTFOLIO = `query($h: String!) { portfolio(handle: $h) {
  handle
  certificates { certificateId challengeSlug challengeTitle kind verdict points speedup speedupLow speedupHigh issuedAt badgeUrl certificateUrl }
  reports { submissionId challengeSlug challengeTitle markdown approvedAt approvedPoints }
  streaks { points aiFreeStreak { current longest } journalStreak { current longest } milestones habits { kind attempted passed approved } }
  journal { id tried failed learned minutes links localDate timeZone createdAt isPublic }
} }`;
const SET = 'mutation($i: VisibilityInput!) { setVisibility(input: $i) }';
const CHECK = 'query($c: String!) { verifyCertificate(certificate: $c) { valid code } }';

interface PortfolioView {
  handle: string;
  certificates: Array<{
    certificateId: string;
    challengeSlug: string;
    challengeTitle: string;
    kind: string;
    verdict: string;
    points: number;
    speedup: number | null;
    speedupLow: number | null;
    speedupHigh: number | null;
    issuedAt: string;
    badgeUrl: string;
    certificateUrl: string;
  }>;
  reports: Array<{ submissionId: string; markdown: string; challengeSlug: string; approvedAt: string; approvedPoints: number | null }>;
  streaks: { points: number; journalStreak: { current: number }; milestones: string[] } | null;
  journal: Array<{ id: string; tried: string; learned: string; isPublic: boolean }>;
}

/** What the anonymous portfolio must hold: ids of each kind, and whether the streaks are shown. */
interface PublicSet {
  certificates: string[];
  reports: string[];
  streaks: boolean;
  journal: string[];
}

describe('the public portfolio', () => {
  let app: TestApp;
  let learner: Account;
  let stranger: Account;
  let mentor: Account;
  /** The learner's scored model submission and its certificate. */
  let modelSubmissionId: string;
  let certificateId: string;
  let result: { verdict: string; points: number; speedup: number; speedupLow: number; speedupHigh: number };
  let challengeTitle: string;
  /** The learner's report on it, scored and waiting for a mentor. */
  let reportId: string;
  let reportMarkdown: string;
  let reviewId: string;
  /** Journal entries: one the learner shows, one that stays private throughout. */
  let shownEntryId: string;
  let privateEntryId: string;
  let strangerEntryId: string;
  const PRIVATE_TEXT = 'my-private-journal-words-7f3a';
  const STRANGER_TEXT = 'the-strangers-own-private-entry-91c2';

  const gql = (account: Account | null, query: string, variables: Record<string, unknown> = {}) =>
    app.graphql(query, variables, account?.auth ?? {});
  const data = <T>(response: GraphqlResponse, field: string): T => {
    if (response.body.data?.[field] === undefined || response.body.errors) {
      throw new Error(`${field} failed: ${JSON.stringify(response.body.errors)}`);
    }
    return response.body.data[field] as T;
  };
  const setVisibility = (account: Account | null, itemKind: string, itemId: string | null, isPublic: boolean) =>
    gql(account, SET, { i: { itemKind, ...(itemId === null ? {} : { itemId }), public: isPublic } });
  const show = async (itemKind: string, itemId: string | null, isPublic = true, account = learner) =>
    expect(data<boolean>(await setVisibility(account, itemKind, itemId, isPublic), 'setVisibility')).toBe(isPublic);
  const badge = (id: string) => fetch(`${app.url}/badges/${id}.svg`);

  /** The anonymous portfolio of `handle`, checked to hold exactly `expected` and nothing private. */
  const expectPortfolio = async (expected: PublicSet, handle = learner.handle): Promise<PortfolioView> => {
    const response = await app.graphql(PORTFOLIO, { h: handle });
    const portfolio = data<PortfolioView>(response, 'portfolio');
    expect({
      certificates: portfolio.certificates.map((item) => item.certificateId),
      reports: portfolio.reports.map((item) => item.submissionId),
      streaks: portfolio.streaks !== null,
      journal: portfolio.journal.map((item) => item.id),
    }).toEqual(expected);
    const text = JSON.stringify(response.body);
    for (const secret of [PRIVATE_TEXT, STRANGER_TEXT, privateEntryId, strangerEntryId, learner.email, stranger.email]) {
      expect(text).not.toContain(secret);
    }
    // The model submission is reachable only through what the learner published: never its id.
    expect(text).not.toContain(modelSubmissionId);
    if (!expected.reports.includes(reportId)) expect(text).not.toContain(reportId);
    if (!expected.certificates.includes(certificateId)) expect(text).not.toContain(certificateId);
    if (!expected.journal.includes(shownEntryId)) expect(text).not.toContain(shownEntryId);
    return portfolio;
  };
  const nothing: PublicSet = { certificates: [], reports: [], streaks: false, journal: [] };
  const portfolioEvents = (objectId: string) =>
    withClient(app.database.url, async (client) =>
      (
        await client.query(`SELECT action FROM "AuditEvent" WHERE "objectId" = $1 AND action LIKE 'portfolio.%' ORDER BY id`, [objectId])
      ).rows.map((row: { action: string }) => row.action),
    );
  const publicRows = (userId: string) =>
    withClient(
      app.database.url,
      async (client) =>
        (await client.query(`SELECT count(*)::int AS n FROM "PublicItem" WHERE "userId" = $1`, [userId])).rows[0].n as number,
    );

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded' });
    [learner, stranger, mentor] = await Promise.all(['pf-learner', 'pf-stranger', 'pf-mentor'].map((handle) => register(app, handle)));
    await makeRole(app, mentor, 'MENTOR');

    const attemptId = await startAttempt(app, learner, 'pruned-mlp-speedup');
    modelSubmissionId = await submitModel(
      app,
      learner,
      attemptId,
      await uploadBytes(app, learner, catalogModel('pruned-mlp-speedup', 'known-solution')),
    );
    const scored = await waitForEnd(app, learner, modelSubmissionId, 300_000);
    if (scored.status !== 'SCORED') throw new Error(`model not scored: ${JSON.stringify(scored)}`);
    const submission = data<{ result: typeof result & { certificateId: string }; challenge: { title: string } }>(
      await gql(
        learner,
        'query($id: ID!) { submission(id: $id) { challenge { title } result { verdict points speedup speedupLow speedupHigh certificateId } } }',
        { id: modelSubmissionId },
      ),
      'submission',
    );
    ({ certificateId, ...result } = submission.result);
    challengeTitle = submission.challenge.title;

    const documentAttempt = await startAttempt(app, learner, 'document-an-optimization');
    reportMarkdown = pruningReport(`${result.speedupHigh.toFixed(2)}×`, { title: 'Pruning the dead units of an MLP, in public' });
    reportId = data<{ id: string }>(
      await gql(learner, 'mutation($i: SubmitReportInput!) { submitReport(input: $i) { id } }', {
        i: { attemptId: documentAttempt, markdown: reportMarkdown, evidenceSubmissionId: modelSubmissionId },
      }),
      'submitReport',
    ).id;
    const reported = await waitForEnd(app, learner, reportId, 120_000);
    if (reported.status !== 'SCORED') throw new Error(`report not scored: ${JSON.stringify(reported)}`);
    reviewId = data<{ review: { id: string } }>(
      await gql(learner, 'query($id: ID!) { submission(id: $id) { review { id } } }', { id: reportId }),
      'submission',
    ).review.id;

    const entry = async (account: Account, tried: string) =>
      data<{ id: string }>(
        await gql(account, 'mutation($i: JournalEntryInput!) { addJournalEntry(input: $i) { id } }', {
          i: { tried, failed: 'Parity broke at fp16.', learned: 'Accumulate in fp32.', minutes: 30, links: ['https://example.com/notes'] },
        }),
        'addJournalEntry',
      ).id;
    shownEntryId = await entry(learner, 'Fused the two linear layers.');
    privateEntryId = await entry(learner, PRIVATE_TEXT);
    strangerEntryId = await entry(stranger, STRANGER_TEXT);
  }, 500_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('shows exactly what the learner made public, item by item, and nothing once each is private again', async () => {
    // Nothing is public to begin with; an unknown handle has no portfolio.
    await expectPortfolio(nothing);
    expect(data(await app.graphql(PORTFOLIO, { h: 'nobody-by-this-handle' }), 'portfolio')).toBeNull();
    expect((await badge(certificateId)).status).toBe(404);

    // The certificate: listed with what it proves, and its badge appears.
    await show('CERTIFICATE', certificateId);
    const [certificate] = (await expectPortfolio({ ...nothing, certificates: [certificateId] })).certificates;
    expect(certificate).toMatchObject({
      certificateId,
      challengeSlug: 'pruned-mlp-speedup',
      challengeTitle,
      kind: 'OPTIMIZE_MODEL',
      verdict: result.verdict,
      points: result.points,
      speedup: result.speedup,
      speedupLow: result.speedupLow,
      speedupHigh: result.speedupHigh,
      badgeUrl: `/badges/${certificateId}.svg`,
      certificateUrl: `/certificates/${certificateId}`,
    });
    const shown = await badge(certificateId);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.headers.get('x-content-type-options')).toBe('nosniff');
    const svg = await shown.text();
    expect(svg).toContain(`<a href="/certificates/${certificateId}">`);
    expect(svg).toContain(result.verdict);
    expect(svg).toContain(`speedup ${result.speedup.toFixed(2)}× (${result.speedupLow.toFixed(2)}–${result.speedupHigh.toFixed(2)})`);
    expect(svg).toContain(challengeTitle.replace(/&/g, '&amp;').replace(/'/g, '&apos;'));
    expect(svg).not.toMatch(/<script|<image|<foreignObject|url\(|xlink/i);
    expect(svg.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:/);
    // The certificate behind the badge's link verifies.
    const document = await fetch(`${app.url}${certificate!.certificateUrl}`);
    expect(document.status).toBe(200);
    expect(data(await app.graphql(CHECK, { c: await document.text() }), 'verifyCertificate')).toEqual({ valid: true, code: null });

    // Showing it again changes nothing and records nothing more.
    await show('CERTIFICATE', certificateId);
    await expectPortfolio({ ...nothing, certificates: [certificateId] });

    // Streaks: the learner's progress, with the milestone the certificate earned.
    await show('STREAKS', null);
    const withStreaks = await expectPortfolio({ ...nothing, certificates: [certificateId], streaks: true });
    expect(withStreaks.streaks!.journalStreak.current).toBe(1);
    if (result.verdict === 'PASSED') expect(withStreaks.streaks!.milestones).toContain('FIRST_10_PERCENT_FASTER');

    // One journal entry: only that one, the other stays private.
    await show('JOURNAL_ENTRY', shownEntryId);
    const withEntry = await expectPortfolio({ ...nothing, certificates: [certificateId], streaks: true, journal: [shownEntryId] });
    // The learner's time zone is theirs: a public entry does not show it.
    expect(withEntry.journal[0]).toMatchObject({
      tried: 'Fused the two linear layers.',
      learned: 'Accumulate in fp32.',
      isPublic: true,
      timeZone: null,
    });

    // The report, once a mentor approved it (not before).
    const pending = await setVisibility(learner, 'REPORT', reportId, true);
    expect(errorCode(pending)).toBe('BAD_USER_INPUT');
    expect(errorReason(pending)).toBe('NOT_PUBLISHABLE');
    await expectPortfolio({ ...nothing, certificates: [certificateId], streaks: true, journal: [shownEntryId] });
    data(await gql(mentor, 'mutation($id: ID!) { claimReview(reviewId: $id) { id } }', { id: reviewId }), 'claimReview');
    data(
      await gql(mentor, 'mutation($i: DecideReviewInput!) { decideReview(input: $i) { state } }', {
        i: {
          reviewId,
          decision: 'APPROVE',
          rubric: REPORT_RUBRIC.map((item) => ({ criterion: item.criterion, score: item.maxScore })),
          summary: 'Reproducible.',
        },
      }),
      'decideReview',
    );
    await show('REPORT', reportId);
    const everything: PublicSet = { certificates: [certificateId], reports: [reportId], streaks: true, journal: [shownEntryId] };
    const full = await expectPortfolio(everything);
    expect(full.reports[0]).toMatchObject({ submissionId: reportId, challengeSlug: 'document-an-optimization', markdown: reportMarkdown });
    expect(full.reports[0]!.approvedAt).toEqual(expect.any(String));
    expect(full.handle).toBe(learner.handle);
    // The handle is matched whatever its case.
    await expectPortfolio(everything, learner.handle.toUpperCase());

    // Private again, one by one: each is gone from the very next request.
    await show('CERTIFICATE', certificateId, false);
    expect((await badge(certificateId)).status).toBe(404);
    await expectPortfolio({ ...everything, certificates: [] });
    await show('STREAKS', null, false);
    await expectPortfolio({ ...everything, certificates: [], streaks: false });
    await show('JOURNAL_ENTRY', shownEntryId, false);
    await expectPortfolio({ ...nothing, reports: [reportId] });
    await show('REPORT', reportId, false);
    await expectPortfolio(nothing);
    // Private twice is still private, and recorded once.
    await show('REPORT', reportId, false);
    await expectPortfolio(nothing);
    expect(await portfolioEvents(certificateId)).toEqual(['portfolio.published', 'portfolio.unpublished']);
    expect(await portfolioEvents(reportId)).toEqual(['portfolio.published', 'portfolio.unpublished']);
    expect(await portfolioEvents(learner.id)).toEqual(['portfolio.published', 'portfolio.unpublished']);
    expect(await publicRows(learner.id)).toBe(0);

    // And public again: the badge is back at once.
    await show('CERTIFICATE', certificateId);
    expect((await badge(certificateId.toUpperCase())).status).toBe(200);
    await show('CERTIFICATE', certificateId, false);
    expect((await badge(certificateId)).status).toBe(404);
  });

  it("refuses another learner's items, unknown ids and anonymous callers, and changes nothing", async () => {
    await show('JOURNAL_ENTRY', shownEntryId);
    await show('CERTIFICATE', certificateId);
    const before: PublicSet = { ...nothing, certificates: [certificateId], journal: [shownEntryId] };
    await expectPortfolio(before);
    await expectPortfolio(nothing, stranger.handle);

    // Another learner's items, either way round: FORBIDDEN, and both portfolios stay as they were.
    for (const [account, kind, id, isPublic] of [
      [learner, 'JOURNAL_ENTRY', strangerEntryId, true],
      [learner, 'STREAKS', stranger.id, true],
      [stranger, 'CERTIFICATE', certificateId, false],
      [stranger, 'JOURNAL_ENTRY', shownEntryId, false],
      [stranger, 'REPORT', reportId, true],
      [mentor, 'CERTIFICATE', certificateId, false],
    ] as const) {
      expect(errorCode(await setVisibility(account, kind, id, isPublic))).toBe('FORBIDDEN');
    }
    await expectPortfolio(before);
    await expectPortfolio(nothing, stranger.handle);
    expect(await publicRows(stranger.id)).toBe(0);

    // Not a portfolio item: a model's submission is not a report.
    const notReport = await setVisibility(learner, 'REPORT', modelSubmissionId, true);
    expect(errorReason(notReport)).toBe('NOT_PUBLISHABLE');

    // Unknown and malformed ids, a missing id.
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const kind of ['CERTIFICATE', 'REPORT', 'STREAKS', 'JOURNAL_ENTRY']) {
      expect(errorCode(await setVisibility(learner, kind, unknown, true))).toBe('NOT_FOUND');
      expect(errorCode(await setVisibility(learner, kind, 'not-a-uuid', false))).toBe('NOT_FOUND');
    }
    // A certificate id is not a journal entry's, and the other way round.
    expect(errorCode(await setVisibility(learner, 'JOURNAL_ENTRY', certificateId, true))).toBe('NOT_FOUND');
    expect(errorCode(await setVisibility(learner, 'CERTIFICATE', shownEntryId, true))).toBe('NOT_FOUND');
    expect(errorCode(await setVisibility(learner, 'CERTIFICATE', null, true))).toBe('BAD_USER_INPUT');
    expect((await badge('not-a-uuid')).status).toBe(404);
    const missing = await badge(unknown);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');

    // Anonymous: UNAUTHENTICATED, before anything is said about the item.
    for (const id of [certificateId, unknown]) {
      expect(errorCode(await setVisibility(null, 'CERTIFICATE', id, false))).toBe('UNAUTHENTICATED');
    }
    expect(errorCode(await setVisibility(null, 'STREAKS', null, true))).toBe('UNAUTHENTICATED');

    await expectPortfolio(before);
    expect((await badge(certificateId)).status).toBe(200);
  });
});
