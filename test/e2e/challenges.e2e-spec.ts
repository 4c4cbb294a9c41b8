import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { catalogLocation } from '@app/catalog';
import { projectRoot } from '@app/config';
import { withClient } from '@app/testing';
import { errorCode, makeRole, register, type Account } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the challenge catalog over HTTP', () => {
  let app: TestApp;
  let learner: Account;

  beforeAll(async () => {
    app = await startTestApp();
    learner = await register(app, 'catalog-learner');
  });

  afterAll(async () => {
    await app.stop();
  });

  it('lists challenges as a Relay connection, filtered by kind and paged by slug', async () => {
    const all = await app.graphql('{ challenges(first: 100) { edges { node { slug kind version } } pageInfo { hasNextPage } } }');
    const nodes = (all.body.data!.challenges as { edges: Array<{ node: { slug: string; kind: string; version: number } }> }).edges.map(
      (e) => e.node,
    );
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    expect(nodes.map((n) => n.slug)).toEqual([...nodes.map((n) => n.slug)].sort());
    expect(nodes.every((n) => n.version >= 1)).toBe(true);

    const documents = await app.graphql(
      '{ challenges(kind: DOCUMENT_RESULTS, first: 2) { edges { node { slug kind } } pageInfo { hasNextPage endCursor } } }',
    );
    const page = documents.body.data!.challenges as {
      edges: Array<{ node: { kind: string; slug: string } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(page.edges).toHaveLength(2);
    expect(page.edges.every((e) => e.node.kind === 'DOCUMENT_RESULTS')).toBe(true);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await app.graphql(
      'query($a: String) { challenges(kind: DOCUMENT_RESULTS, first: 2, after: $a) { edges { node { slug } } } }',
      { a: page.pageInfo.endCursor },
    );
    const rest = (next.body.data!.challenges as { edges: Array<{ node: { slug: string } }> }).edges.map((e) => e.node.slug);
    expect(rest.length).toBeGreaterThanOrEqual(1);
    expect(rest).not.toContain(page.edges[0]!.node.slug);
  });

  it('shows a challenge with its brief, rubric and assets; assets download with their sha256 as ETag', async () => {
    const response = await app.graphql(
      '{ challenge(slug: "document-an-optimization") { slug kind title brief version points difficulty dailyQuota assets { name sha256 size url } reportSpec { documents requiredSections rubric { criterion maxScore } } modelSpec { deviceClass } } }',
    );
    const challenge = response.body.data!.challenge as {
      brief: string;
      assets: Array<{ name: string; sha256: string; size: number; url: string }>;
      reportSpec: { documents: string; rubric: unknown[] };
      modelSpec: null;
    };
    expect(challenge).toMatchObject({
      slug: 'document-an-optimization',
      kind: 'DOCUMENT_RESULTS',
      dailyQuota: 10,
      modelSpec: null,
      reportSpec: { documents: 'OPTIMIZE_MODEL' },
    });
    expect(challenge.brief).toMatch(/^# Write up a speedup/);
    expect(challenge.reportSpec.rubric.length).toBeGreaterThanOrEqual(3);

    const [asset] = challenge.assets;
    expect(asset).toMatchObject({ name: 'report-template.md', url: '/challenges/document-an-optimization/assets/report-template.md' });
    const download = await fetch(`${app.url}${asset!.url}`);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(asset!.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(asset!.sha256);
    expect(download.headers.get('etag')).toBe(`"${asset!.sha256}"`);
    const cached = await fetch(`${app.url}${asset!.url}`, { headers: { 'if-none-match': `"${asset!.sha256}"` } });
    expect(cached.status).toBe(304);
    expect((await app.graphql('{ challenge(slug: "no-such-challenge") { slug } }')).body.data).toEqual({ challenge: null });
  });

  it.each([
    ['stable-softmax', 'hidden-tests.json'],
    ['stable-softmax', 'solution.ai.js'],
    ['document-an-optimization', 'challenge.json'],
  ])('serves only declared assets: %s/%s is in the folder on disk but not served', async (slug, name) => {
    expect(existsSync(join(catalogLocation(projectRoot()).challengesDir, slug, name))).toBe(true);
    const refused = await fetch(`${app.url}/challenges/${slug}/assets/${name}`);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('starts one attempt per learner and version, with a secret seed that is stored but never shown, and a visible quota', async () => {
    const start = () =>
      app.graphql(
        'mutation { startAttempt(challengeSlug: "document-a-jax-port") { id challengeVersion challenge { slug version } quota { used limit resetsAt } } }',
        {},
        learner.auth,
      );
    const first = (await start()).body.data!.startAttempt as { id: string; quota: { used: number; limit: number; resetsAt: string } };
    const again = (await start()).body.data!.startAttempt as { id: string };
    expect(again.id).toBe(first.id);
    // Concurrent first calls on another challenge race for the insert: all get the one attempt, none an error.
    const concurrent = await Promise.all(
      Array.from({ length: 8 }, () => app.graphql('mutation { startAttempt(challengeSlug: "stable-softmax") { id } }', {}, learner.auth)),
    );
    expect(concurrent.map((answer) => answer.body.errors)).toEqual(Array(8).fill(undefined));
    expect(new Set(concurrent.map((answer) => (answer.body.data!.startAttempt as { id: string }).id)).size).toBe(1);
    const now = new Date();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    expect(first.quota).toEqual({ used: 0, limit: 10, resetsAt: new Date(midnight).toISOString() });

    const seed = await withClient(
      app.database.url,
      async (c) => (await c.query(`SELECT "secretSeed" FROM "Attempt" WHERE id = $1`, [first.id])).rows[0].secretSeed as string,
    );
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    const viewed = await app.graphql(
      'query($id: ID!) { attempt(id: $id) { id challengeVersion challenge { slug } quota { used } } }',
      { id: first.id },
      learner.auth,
    );
    expect(viewed.body.data).toMatchObject({ attempt: { id: first.id, challenge: { slug: 'document-a-jax-port' } } });
    expect(JSON.stringify(viewed.body)).not.toContain(seed);

    const unknown = await app.graphql('mutation { startAttempt(challengeSlug: "nope") { id } }', {}, learner.auth);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
  });

  it('lets an admin sync the catalog; an unchanged catalog makes no new versions', async () => {
    const admin = await register(app, 'catalog-admin');
    await makeRole(app, admin, 'ADMIN');
    const synced = await app.graphql('mutation { syncCatalog { created updated unchanged retired } }', {}, admin.auth);
    const report = synced.body.data!.syncCatalog as { created: string[]; updated: string[]; unchanged: string[]; retired: string[] };
    expect(report.created).toEqual([]);
    expect(report.updated).toEqual([]);
    expect(report.retired).toEqual([]);
    expect(report.unchanged).toContain('document-an-optimization');
    expect(errorCode(await app.graphql('mutation { syncCatalog { created } }', {}, learner.auth))).toBe('FORBIDDEN');
  });
});
