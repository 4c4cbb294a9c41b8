import { withClient } from '@app/testing';
import { errorCode, errorReason, register } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('roles over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ ADMIN_EMAILS: 'boss@example.com' });
  });

  afterAll(async () => {
    await app.stop();
  });

  const setRole = (auth: Record<string, string>, userId: string, role: string) =>
    app.graphql(`mutation($id: ID!) { setRole(userId: $id, role: ${role}) { handle role } }`, { id: userId }, auth);

  it('lets an admin change roles (audited, effective on the next request), and never removes the last admin', async () => {
    const boss = await register(app, 'boss');
    const tutor = await register(app, 'tutor');

    const refused = await setRole(tutor.auth, tutor.id, 'ADMIN');
    expect(errorCode(refused)).toBe('FORBIDDEN');

    expect((await setRole(boss.auth, tutor.id, 'MENTOR')).body.data).toEqual({ setRole: { handle: 'tutor', role: 'MENTOR' } });
    // The tutor's existing access token now carries the new role: roles are read per request.
    expect((await app.graphql('{ me { role } }', {}, tutor.auth)).body.data).toEqual({ me: { role: 'MENTOR' } });

    const lastAdmin = await setRole(boss.auth, boss.id, 'LEARNER');
    expect([errorCode(lastAdmin), errorReason(lastAdmin)]).toEqual(['CONFLICT', 'LAST_ADMIN']);
    expect((await setRole(boss.auth, tutor.id, 'ADMIN')).body.data).toEqual({ setRole: { handle: 'tutor', role: 'ADMIN' } });
    expect((await setRole(tutor.auth, boss.id, 'LEARNER')).body.data).toEqual({ setRole: { handle: 'boss', role: 'LEARNER' } });

    const unknown = await setRole(tutor.auth, '00000000-0000-0000-0000-000000000000', 'MENTOR');
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    const badRole = await setRole(tutor.auth, boss.id, 'EMPEROR');
    expect(errorCode(badRole)).toBe('GRAPHQL_VALIDATION_FAILED');

    const changes = await withClient(
      app.database.url,
      async (c) => (await c.query(`SELECT "objectId", details FROM "AuditEvent" WHERE action = 'user.role-changed' ORDER BY id`)).rows,
    );
    expect(changes).toEqual([
      { objectId: tutor.id, details: { from: 'LEARNER', to: 'MENTOR' } },
      { objectId: tutor.id, details: { from: 'MENTOR', to: 'ADMIN' } },
      { objectId: boss.id, details: { from: 'ADMIN', to: 'LEARNER' } },
    ]);
  });

  it('shows a user’s email only to the user and admins', async () => {
    const admin = await register(app, 'second-boss');
    await withClient(app.database.url, (c) => c.query(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id]));
    const [owner, peer] = await Promise.all([register(app, 'mail-owner'), register(app, 'mail-peer')]);
    const slug = 'mailers';
    const code = (
      (await app.graphql(`mutation { createTeam(input: { name: "Mailers", slug: "${slug}" }) { inviteCode } }`, {}, owner.auth)).body.data!
        .createTeam as { inviteCode: string }
    ).inviteCode;
    await app.graphql('mutation($c: String!) { joinTeam(inviteCode: $c) { slug } }', { c: code }, peer.auth);
    const emailsSeenBy = async (auth: Record<string, string>) =>
      ((await app.graphql(`{ team(slug: "${slug}") { members { handle email } } }`, {}, auth)).body.data!.team as { members: unknown[] })
        .members;
    expect(await emailsSeenBy(peer.auth)).toEqual([
      { handle: 'mail-owner', email: null },
      { handle: 'mail-peer', email: 'mail-peer@example.com' },
    ]);
    expect(await emailsSeenBy(admin.auth)).toEqual([
      { handle: 'mail-owner', email: 'mail-owner@example.com' },
      { handle: 'mail-peer', email: 'mail-peer@example.com' },
    ]);
    expect(await emailsSeenBy({})).toEqual([
      { handle: 'mail-owner', email: null },
      { handle: 'mail-peer', email: null },
    ]);
  });
});
