import { errorCode } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** The public boards over HTTP: the GraphQL query and the CSV export (standings themselves: test/int/leaderboard.int-spec.ts). */
describe('leaderboards over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  it('answers a timed challenge board without signing in, with the reference model’s row', async () => {
    const { body } = await app.graphql(
      '{ leaderboard(scope: CHALLENGE, challengeSlug: "pruned-mlp-speedup", first: 10) { edges { node { rank handle points speedup isBaseline } } pageInfo { hasNextPage } } }',
    );
    expect(body.data!.leaderboard).toEqual({
      edges: [{ node: { rank: 1, handle: 'reference', points: 0, speedup: 1, isBaseline: true } }],
      pageInfo: { hasNextPage: false },
    });
  });

  it('refuses a CHALLENGE board without a challenge, a GLOBAL one with one, and an unknown challenge', async () => {
    expect(errorCode(await app.graphql('{ leaderboard(scope: CHALLENGE, first: 5) { edges { cursor } } }'))).toBe('BAD_USER_INPUT');
    expect(
      errorCode(await app.graphql('{ leaderboard(scope: GLOBAL, challengeSlug: "stable-softmax", first: 5) { edges { cursor } } }')),
    ).toBe('BAD_USER_INPUT');
    expect(errorCode(await app.graphql('{ leaderboard(scope: CHALLENGE, challengeSlug: "nope", first: 5) { edges { cursor } } }'))).toBe(
      'NOT_FOUND',
    );
  });

  it('exports a board as CSV with a header; unknown boards are 404, bad periods 400', async () => {
    const response = await fetch(`${app.url}/leaderboards/challenge.csv?challenge=pruned-mlp-speedup&period=WEEK`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe('rank,handle,team,points,speedup,achieved_at,is_baseline');
    expect(lines[1]).toMatch(/^1,reference,,0,1,[0-9T:.Z-]+,true$/);
    expect((await fetch(`${app.url}/leaderboards/global.csv`)).status).toBe(200);
    expect((await fetch(`${app.url}/leaderboards/secrets.csv`)).status).toBe(404);
    expect((await fetch(`${app.url}/leaderboards/global.csv?period=YEAR`)).status).toBe(400);
    expect((await fetch(`${app.url}/leaderboards/challenge.csv`)).status).toBe(400);
  });
});
