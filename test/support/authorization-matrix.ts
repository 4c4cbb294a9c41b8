import { randomBytes } from 'node:crypto';
import { Operation, POLICY, type Role, type Rule } from '@app/domain';
import { withClient } from '@app/testing';
import { makeRole, register, type Account } from './accounts';
import type { GraphqlResponse, TestApp } from './test-app';

/**
 * The role × operation × ownership matrix, driven by POLICY (libs/domain). Every protected
 * operation is tried, over HTTP, by each persona against objects owned by `learner`; the expected
 * outcome is worked out here from the table, independently of the code that enforces it.
 */
export const PERSONAS = ['anonymous', 'learner', 'learnerViaApiToken', 'otherTeamLearner', 'mentor', 'admin'] as const;
export type Persona = (typeof PERSONAS)[number];
export type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'hidden';

interface PersonaFacts {
  signedIn: boolean;
  role?: Role;
  via?: 'session' | 'api-token';
  /** Owns the learner's objects (tokens, account). */
  self: boolean;
  teamMember: boolean;
  teamOwner: boolean;
}

const FACTS: Record<Persona, PersonaFacts> = {
  anonymous: { signedIn: false, self: false, teamMember: false, teamOwner: false },
  learner: { signedIn: true, role: 'LEARNER', via: 'session', self: true, teamMember: true, teamOwner: true },
  learnerViaApiToken: { signedIn: true, role: 'LEARNER', via: 'api-token', self: true, teamMember: true, teamOwner: true },
  otherTeamLearner: { signedIn: true, role: 'LEARNER', via: 'session', self: false, teamMember: false, teamOwner: false },
  mentor: { signedIn: true, role: 'MENTOR', via: 'session', self: false, teamMember: false, teamOwner: false },
  admin: { signedIn: true, role: 'ADMIN', via: 'session', self: false, teamMember: false, teamOwner: false },
};

export function expectedOutcome(rule: Rule, persona: Persona): Exclude<Outcome, 'hidden'> {
  const facts = FACTS[persona];
  if (!facts.signedIn) return 'UNAUTHENTICATED';
  if (rule.audience === 'session' && facts.via !== 'session') return 'FORBIDDEN';
  if (Array.isArray(rule.audience) && !rule.audience.includes(facts.role!)) return 'FORBIDDEN';
  if (rule.adminBypass && facts.role === 'ADMIN') return 'allowed';
  const reviewer = !facts.self && !facts.teamMember;
  const related = {
    any: true,
    self: facts.self,
    'team-member': facts.teamMember,
    'team-owner': facts.teamOwner,
    reviewer,
    'self-or-reviewer': facts.self || ((facts.role === 'MENTOR' || facts.role === 'ADMIN') && reviewer),
    // The matrix's mentor has not reviewed the learner's work (the review stays PENDING).
    'mentor-of': false,
  }[rule.relation];
  return related ? 'allowed' : 'FORBIDDEN';
}

/** Objects owned by `learner`: a team (with a teammate) and an API token; plus strangers. */
export interface World {
  learner: Account;
  /** sha256 of bytes only the learner uploaded. */
  learnerArtifact: string;
  /** The learner's attempt on a model challenge, and a submission made on it. */
  learnerModelAttemptId: string;
  learnerSubmissionId: string;
  learnerAttemptId: string;
  learnerApiToken: { id: string; token: string };
  /** The learner's open AI-free session. */
  learnerSessionId: string;
  /** The review the learner asked for on their submission (marked SCORED in the database for it). */
  learnerReviewId: string;
  /** An entry of the learner's journal, written just now (still editable). */
  learnerJournalEntryId: string;
  teammate: Account;
  team: { slug: string; inviteCode: string };
  otherTeamLearner: Account;
  mentor: Account;
  admin: Account;
}

interface Scenario {
  /** A GraphQL operation… */
  request?(world: World): { query: string; variables?: Record<string, unknown> };
  /** …or a plain HTTP request (bytes). */
  http?(world: World): { method: 'GET' | 'PUT'; path: string; body?: Buffer };
  /** Objects a caller may not know of are refused as NOT_FOUND (counted as FORBIDDEN here). */
  deniedAs?: 'NOT_FOUND';
  /** For fields shown only to some: where the value is in `data`, null when hidden. */
  visibleValue?: (data: Record<string, unknown>) => unknown;
  /** Which errors speak of the target object (a list may hold others' objects too). */
  concerns?: (error: { path?: readonly (string | number)[] }) => boolean;
}

/** How each operation is invoked. A new Operation without a scenario here fails to compile. */
export const SCENARIOS: Record<Operation, Scenario> = {
  [Operation.Logout]: { request: () => ({ query: 'mutation { logout }' }) },
  [Operation.CreateApiToken]: { request: () => ({ query: 'mutation { createApiToken(name: "matrix") { token } }' }) },
  [Operation.ListApiTokens]: {
    // Reached through the team's member list, as any client could; the learner is member 0 (the first to join).
    request: (w) => ({
      query: 'query($slug: String!) { team(slug: $slug) { members { handle apiTokens(first: 5) { edges { node { name } } } } } }',
      variables: { slug: w.team.slug },
    }),
    concerns: (error) => String(error.path?.[2]) === '0', // paths come back as strings
  },
  [Operation.RevokeApiToken]: {
    request: (w) => ({ query: 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }', variables: { id: w.learnerApiToken.id } }),
  },
  [Operation.SetRole]: {
    request: (w) => ({ query: 'mutation($id: ID!) { setRole(userId: $id, role: MENTOR) { role } }', variables: { id: w.teammate.id } }),
  },
  [Operation.CreateTeam]: {
    request: () => ({
      query: 'mutation($slug: String!) { createTeam(input: { name: "Matrix", slug: $slug }) { slug } }',
      variables: { slug: `m-${suffix()}` },
    }),
  },
  [Operation.JoinTeam]: {
    request: (w) => ({
      query: 'mutation($code: String!) { joinTeam(inviteCode: $code) { slug } }',
      variables: { code: w.team.inviteCode },
    }),
  },
  [Operation.LeaveTeam]: {
    request: (w) => ({ query: 'mutation($slug: String!) { leaveTeam(teamSlug: $slug) }', variables: { slug: w.team.slug } }),
  },
  [Operation.ViewInviteCode]: {
    request: (w) => ({ query: 'query($slug: String!) { team(slug: $slug) { inviteCode } }', variables: { slug: w.team.slug } }),
    visibleValue: (data) => (data.team as { inviteCode: string | null }).inviteCode,
  },
  [Operation.RotateInviteCode]: {
    request: (w) => ({
      query: 'mutation($slug: String!) { rotateInviteCode(teamSlug: $slug) { slug } }',
      variables: { slug: w.team.slug },
    }),
  },
  [Operation.TransferTeamOwnership]: {
    request: (w) => ({
      query: 'mutation($slug: String!, $h: String!) { transferTeamOwnership(teamSlug: $slug, handle: $h) { slug } }',
      variables: { slug: w.team.slug, h: w.teammate.handle },
    }),
  },
  [Operation.StartAttempt]: { request: () => ({ query: `mutation { startAttempt(challengeSlug: "${MATRIX_CHALLENGE}") { id } }` }) },
  [Operation.ViewAttempt]: {
    request: (w) => ({ query: 'query($id: ID!) { attempt(id: $id) { id quota { used limit } } }', variables: { id: w.learnerAttemptId } }),
  },
  [Operation.SyncCatalog]: { request: () => ({ query: 'mutation { syncCatalog { unchanged } }' }) },
  [Operation.UploadArtifact]: { http: () => ({ method: 'PUT', path: '/artifacts', body: randomBytes(64) }) },
  [Operation.SubmitModel]: {
    request: (w) => ({
      query: 'mutation($a: ID!, $m: String!) { submitModel(input: { attemptId: $a, modelSha256: $m }) { id status } }',
      variables: { a: w.learnerModelAttemptId, m: w.learnerArtifact },
    }),
  },
  [Operation.ViewSubmission]: {
    request: (w) => ({ query: 'query($id: ID!) { submission(id: $id) { id status } }', variables: { id: w.learnerSubmissionId } }),
  },
  // The learner's submission is not scored here: who may see it gets NOT_FOUND/REPORT_NOT_AVAILABLE (counted as allowed).
  [Operation.ViewSubmissionReport]: { http: (w) => ({ method: 'GET', path: `/submissions/${w.learnerSubmissionId}/report.svg` }) },
  [Operation.RescoreSubmission]: {
    request: (w) => ({
      query: 'mutation($id: ID!) { rescore(submissionId: $id) { id status } }',
      variables: { id: w.learnerSubmissionId },
    }),
  },
  [Operation.StartSession]: {
    request: () => ({ query: `mutation { startSession(challengeSlug: "${MATRIX_SESSION_CHALLENGE}") { id timeLeftMs } }` }),
  },
  [Operation.ViewSession]: {
    request: (w) => ({ query: 'query($id: ID!) { session(id: $id) { id deadline } }', variables: { id: w.learnerSessionId } }),
  },
  [Operation.RecordEdits]: {
    request: (w) => ({
      query: 'mutation($input: EditBatchInput!) { recordEdits(input: $input) { seq missing duplicate } }',
      variables: { input: { sessionId: w.learnerSessionId, seq: 0, events: [{ kind: 'INSERT', at: 10, position: 0, text: 'x' }] } },
    }),
  },
  [Operation.SubmitCode]: {
    request: (w) => ({
      query: 'mutation($input: SubmitCodeInput!) { submitCode(input: $input) { id status } }',
      variables: { input: { sessionId: w.learnerSessionId, code: 'function softmax(xs) { return xs; }', language: 'javascript' } },
    }),
  },
  [Operation.SubmitReport]: {
    request: (w) => ({
      query: 'mutation($i: SubmitReportInput!) { submitReport(input: $i) { id status } }',
      variables: {
        i: { attemptId: w.learnerAttemptId, markdown: '# Method\n\nI fused the layers.', evidenceSubmissionId: w.learnerSubmissionId },
      },
    }),
  },
  [Operation.RequestReview]: {
    request: (w) => ({
      query: 'mutation($id: ID!) { requestReview(submissionId: $id) { id state } }',
      variables: { id: w.learnerSubmissionId },
    }),
  },
  [Operation.ViewReview]: {
    request: (w) => ({ query: 'query($id: ID!) { review(id: $id) { id state } }', variables: { id: w.learnerReviewId } }),
  },
  [Operation.ViewReviewQueue]: { request: () => ({ query: '{ reviewQueue(first: 5) { edges { node { id } } } }' }) },
  [Operation.ClaimReview]: {
    request: (w) => ({ query: 'mutation($id: ID!) { claimReview(reviewId: $id) { id state } }', variables: { id: w.learnerReviewId } }),
  },
  [Operation.ReleaseReview]: {
    request: (w) => ({ query: 'mutation($id: ID!) { releaseReview(reviewId: $id) { id state } }', variables: { id: w.learnerReviewId } }),
  },
  [Operation.CommentOnReview]: {
    request: (w) => ({
      query: 'mutation($i: ReviewCommentInput!) { commentOnReview(input: $i) { id } }',
      variables: { i: { reviewId: w.learnerReviewId, body: 'A question about the method.' } },
    }),
  },
  [Operation.DecideReview]: {
    request: (w) => ({
      query: 'mutation($i: DecideReviewInput!) { decideReview(input: $i) { id state } }',
      variables: { i: { reviewId: w.learnerReviewId, decision: 'REQUEST_CHANGES', summary: 'Add the commands.' } },
    }),
  },
  [Operation.ViewSessionPlayback]: {
    request: (w) => ({ query: 'query($id: ID!) { sessionPlayback(id: $id, atMs: [0, 1000]) }', variables: { id: w.learnerSessionId } }),
  },
  [Operation.HideResult]: {
    request: (w) => ({
      query: 'mutation($i: ResultVisibilityInput!) { hideResult(input: $i) { onLeaderboards } }',
      variables: { i: { submissionId: w.learnerSubmissionId, reason: 'Matrix check.' } },
    }),
  },
  [Operation.ShowResult]: {
    request: (w) => ({
      query: 'mutation($i: ResultVisibilityInput!) { showResult(input: $i) { onLeaderboards } }',
      variables: { i: { submissionId: w.learnerSubmissionId, reason: 'Matrix check.' } },
    }),
  },
  [Operation.RecomputeLeaderboards]: {
    request: () => ({ query: 'mutation { recomputeLeaderboards { corrected } }' }),
  },
  [Operation.ViewLearnerProgress]: {
    request: (w) => ({ query: 'query($h: String!) { learnerProgress(handle: $h) { points } }', variables: { h: w.learner.handle } }),
  },
  [Operation.AddJournalEntry]: {
    request: () => ({
      query: 'mutation($i: JournalEntryInput!) { addJournalEntry(input: $i) { id } }',
      variables: { i: { tried: 'Matrix check.', learned: 'It is allowed.', minutes: 5 } },
    }),
  },
  [Operation.EditJournalEntry]: {
    request: (w) => ({
      query: 'mutation($id: ID!, $i: JournalEntryInput!) { editJournalEntry(id: $id, input: $i) { id } }',
      variables: { id: w.learnerJournalEntryId, i: { tried: 'Edited by the matrix.', learned: 'Who may edit.', minutes: 6 } },
    }),
  },
  // Everyone signed in has a journal of their own; this lists the caller's.
  [Operation.ViewJournal]: { request: () => ({ query: '{ journal(first: 5) { edges { node { id } } } }' }) },
  [Operation.SetTimeZone]: { request: () => ({ query: 'mutation { setTimeZone(timeZone: "Asia/Tokyo") { id } }' }) },
  // Only the learner shows their own items on their portfolio: here, their journal entry.
  [Operation.SetVisibility]: {
    request: (w) => ({
      query: 'mutation($i: VisibilityInput!) { setVisibility(input: $i) }',
      variables: { i: { itemKind: 'JOURNAL_ENTRY', itemId: w.learnerJournalEntryId, public: true } },
    }),
  },
  [Operation.ReadArtifact]: { http: (w) => ({ method: 'GET', path: `/artifacts/${w.learnerArtifact}` }), deniedAs: 'NOT_FOUND' },
  [Operation.RemoveTeamMember]: {
    request: (w) => ({
      query: 'mutation($slug: String!, $h: String!) { removeTeamMember(teamSlug: $slug, handle: $h) { slug } }',
      variables: { slug: w.team.slug, h: w.teammate.handle },
    }),
  },
};

/** Any challenge of the catalog: attempts are made on it. */
const MATRIX_CHALLENGE = 'document-an-optimization';
/** A model challenge: submissions are made on it (nothing scores them in these tests). */
const MATRIX_MODEL_CHALLENGE = 'pruned-mlp-speedup';
/** An AI-free challenge: the learner's session is started on it. */
const MATRIX_SESSION_CHALLENGE = 'stable-softmax';

function suffix(): string {
  return randomBytes(4).toString('hex');
}

/** People who own nothing of the learner's; created once per matrix run. */
export interface Strangers {
  otherTeamLearner: Account;
  mentor: Account;
  admin: Account;
}

export async function buildStrangers(app: TestApp): Promise<Strangers> {
  const id = suffix();
  const [otherTeamLearner, mentor, admin] = await Promise.all(['other', 'mentor', 'admin'].map((name) => register(app, `${name}-${id}`)));
  await call(app, otherTeamLearner!, 'mutation($s: String!) { createTeam(input: { name: "Others", slug: $s }) { slug } }', {
    s: `o-${id}`,
  });
  await makeRole(app, mentor!, 'MENTOR');
  await makeRole(app, admin!, 'ADMIN');
  return { otherTeamLearner: otherTeamLearner!, mentor: mentor!, admin: admin! };
}

/**
 * Fresh objects for one attempt (operations change them: a transfer moves ownership, a removal
 * empties the team), and a fresh session for each stranger (an attempted logout ends one).
 */
export async function buildWorld(app: TestApp, strangers: Strangers): Promise<World> {
  const id = suffix();
  const [learner, teammate] = await Promise.all(['learner', 'mate'].map((name) => register(app, `${name}-${id}`)));
  const team = await call(app, learner!, 'mutation($s: String!) { createTeam(input: { name: "Owners", slug: $s }) { slug inviteCode } }', {
    s: `t-${id}`,
  });
  const { slug, inviteCode } = team.createTeam as { slug: string; inviteCode: string };
  await call(app, teammate!, 'mutation($c: String!) { joinTeam(inviteCode: $c) { slug } }', { c: inviteCode });
  const created = await call(app, learner!, 'mutation { createApiToken(name: "ci") { token apiToken { id } } }');
  const { token, apiToken } = created.createApiToken as { token: string; apiToken: { id: string } };
  const attempt = await call(app, learner!, `mutation { startAttempt(challengeSlug: "${MATRIX_CHALLENGE}") { id } }`);
  const uploaded = await fetch(`${app.url}/artifacts`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', ...learner!.auth },
    body: randomBytes(256),
  });
  if (uploaded.status !== 201) throw new Error(`setup upload failed: ${uploaded.status} ${await uploaded.text()}`);
  const { sha256: learnerArtifact } = (await uploaded.json()) as { sha256: string };
  const modelAttempt = await call(app, learner!, `mutation { startAttempt(challengeSlug: "${MATRIX_MODEL_CHALLENGE}") { id } }`);
  const learnerModelAttemptId = (modelAttempt.startAttempt as { id: string }).id;
  const submitted = await call(
    app,
    learner!,
    `mutation { submitModel(input: { attemptId: "${learnerModelAttemptId}", modelSha256: "${learnerArtifact}" }) { id } }`,
  );
  const session = await call(app, learner!, `mutation { startSession(challengeSlug: "${MATRIX_SESSION_CHALLENGE}") { id } }`);
  const learnerSubmissionId = (submitted.submitModel as { id: string }).id;
  // Nothing scores in the matrix: the submission is marked SCORED so it can be reviewed and documented.
  await withClient(app.database.url, (client) =>
    client.query(`UPDATE "Submission" SET status = 'SCORED' WHERE id = $1`, [learnerSubmissionId]),
  );
  const requested = await call(app, learner!, `mutation { requestReview(submissionId: "${learnerSubmissionId}") { id } }`);
  const journalEntry = await call(
    app,
    learner!,
    'mutation { addJournalEntry(input: { tried: "Set up the matrix.", learned: "Whose entry it is.", minutes: 10 }) { id } }',
  );
  const fresh = async (account: Account): Promise<Account> => {
    const signedIn = await app.graphql('mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }', {
      e: account.email,
      p: account.password,
    });
    const accessToken = (signedIn.body.data!.login as { accessToken: string }).accessToken;
    return { ...account, accessToken, auth: { authorization: `Bearer ${accessToken}` } };
  };
  return {
    learner: learner!,
    learnerAttemptId: (attempt.startAttempt as { id: string }).id,
    learnerArtifact,
    learnerModelAttemptId,
    learnerSubmissionId,
    learnerReviewId: (requested.requestReview as { id: string }).id,
    learnerJournalEntryId: (journalEntry.addJournalEntry as { id: string }).id,
    teammate: teammate!,
    team: { slug, inviteCode },
    learnerApiToken: { id: apiToken.id, token },
    learnerSessionId: (session.startSession as { id: string }).id,
    otherTeamLearner: await fresh(strangers.otherTeamLearner),
    mentor: await fresh(strangers.mentor),
    admin: await fresh(strangers.admin),
  };
}

async function call(app: TestApp, account: Account, query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { body } = await app.graphql(query, variables, account.auth);
  if (!body.data || body.errors) throw new Error(`setup failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function headersFor(world: World, persona: Persona): Record<string, string> {
  switch (persona) {
    case 'anonymous':
      return {};
    case 'learnerViaApiToken':
      return { authorization: `Bearer ${world.learnerApiToken.token}` };
    default:
      return world[persona].auth;
  }
}

/** Sends a scenario's request; an HTTP answer is shaped like a GraphQL one (its `error` as the only error). */
async function send(app: TestApp, scenario: Scenario, world: World, headers: Record<string, string>): Promise<GraphqlResponse> {
  if (scenario.request) {
    const { query, variables } = scenario.request(world);
    return app.graphql(query, variables, headers);
  }
  const { method, path, body } = scenario.http!(world);
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/octet-stream' } : {}) },
    body,
  });
  const text = await response.text();
  if (response.ok) return { status: response.status, headers: response.headers, body: { data: {} } };
  const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
  return {
    status: response.status,
    headers: response.headers,
    body: { data: null, errors: [{ message: error.message, extensions: { code: error.code } }] },
  };
}

export function outcomeOf(response: GraphqlResponse, scenario: Scenario): Outcome {
  const errors = (response.body.errors ?? []) as Array<{ path?: readonly (string | number)[]; extensions?: Record<string, unknown> }>;
  const codes = errors.filter((error) => scenario.concerns?.(error) ?? true).map((error) => error.extensions?.code);
  if (scenario.visibleValue) {
    if (codes.length > 0) return codes.includes('UNAUTHENTICATED') ? 'UNAUTHENTICATED' : 'FORBIDDEN';
    return scenario.visibleValue(response.body.data ?? {}) === null ? 'hidden' : 'allowed';
  }
  if (codes.includes('UNAUTHENTICATED')) return 'UNAUTHENTICATED';
  if (codes.includes('FORBIDDEN')) return 'FORBIDDEN';
  if (scenario.deniedAs && codes.includes(scenario.deniedAs)) return 'FORBIDDEN';
  return 'allowed';
}

export interface MatrixCase {
  operation: Operation;
  persona: Persona;
  expected: Outcome;
  actual: Outcome;
  errors: unknown;
}

/** Runs `operations` × every persona, each attempt in a fresh world, and returns every case. */
export async function runMatrix(app: TestApp, operations: Operation[] = Object.values(Operation)): Promise<MatrixCase[]> {
  const cases: MatrixCase[] = [];
  const strangers = await buildStrangers(app);
  for (const operation of operations) {
    const scenario = SCENARIOS[operation];
    for (const persona of PERSONAS) {
      const world = await buildWorld(app, strangers);
      const response = await send(app, scenario, world, headersFor(world, persona));
      const decided = expectedOutcome(POLICY[operation], persona);
      const expected: Outcome = scenario.visibleValue && decided !== 'allowed' ? 'hidden' : decided;
      cases.push({ operation, persona, expected, actual: outcomeOf(response, scenario), errors: response.body.errors });
    }
  }
  return cases;
}
