import { withClient } from '@app/testing';
import { errorCode, errorReason, register, type Account } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('teams over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  const gql = (account: Account | null, query: string, variables?: Record<string, unknown>) =>
    app.graphql(query, variables, account?.auth ?? {});
  const create = (account: Account, slug: string, name = 'Team ' + slug) =>
    gql(
      account,
      'mutation($i: CreateTeamInput!) { createTeam(input: $i) { id slug name inviteCode owner { handle } members { handle } } }',
      { i: { name, slug } },
    );
  const join = (account: Account, code: string) =>
    gql(account, 'mutation($c: String!) { joinTeam(inviteCode: $c) { slug members { handle } } }', { c: code });
  const leave = (account: Account, slug: string) => gql(account, 'mutation($s: String!) { leaveTeam(teamSlug: $s) }', { s: slug });
  const team = (account: Account | null, slug: string) =>
    gql(account, 'query($s: String!) { team(slug: $s) { slug inviteCode owner { handle } members { handle team { slug } } } }', {
      s: slug,
    });
  const myTeam = async (account: Account) =>
    ((await gql(account, '{ me { team { slug } } }')).body.data!.me as { team: { slug: string } | null }).team;
  const audit = (teamId: string) =>
    withClient(app.database.url, async (c) =>
      (await c.query(`SELECT action FROM "AuditEvent" WHERE "objectType" = 'Team' AND "objectId" = $1 ORDER BY id`, [teamId])).rows.map(
        (r) => r.action,
      ),
    );

  it('lives a whole life: create, join, rotate, transfer, remove, leave, and the last one out deletes it', async () => {
    const [owner, member, late, outsider] = await Promise.all(['t-owner', 't-member', 't-late', 't-outsider'].map((h) => register(app, h)));
    const created = await create(owner!, 'rockets', 'Rockets');
    const rockets = created.body.data!.createTeam as { id: string; inviteCode: string };
    expect(created.body.data!.createTeam).toMatchObject({
      slug: 'rockets',
      name: 'Rockets',
      inviteCode: expect.stringMatching(/^[A-Z2-9]{12}$/),
      owner: { handle: 't-owner' },
      members: [{ handle: 't-owner' }],
    });

    // Invite codes are the owner's to share: members and outsiders see null.
    expect((await join(member!, rockets.inviteCode.toLowerCase())).body.data).toEqual({
      joinTeam: { slug: 'rockets', members: [{ handle: 't-owner' }, { handle: 't-member' }] },
    });
    expect((await team(member!, 'rockets')).body.data!.team).toMatchObject({ inviteCode: null });
    expect((await team(null, 'rockets')).body.data!.team).toMatchObject({
      inviteCode: null,
      members: [
        { handle: 't-owner', team: { slug: 'rockets' } },
        { handle: 't-member', team: { slug: 'rockets' } },
      ],
    });

    const rotated = await gql(owner!, 'mutation { rotateInviteCode(teamSlug: "rockets") { inviteCode } }');
    const newCode = (rotated.body.data!.rotateInviteCode as { inviteCode: string }).inviteCode;
    expect(newCode).not.toBe(rockets.inviteCode);
    const stale = await join(late!, rockets.inviteCode);
    expect([errorCode(stale), errorReason(stale)]).toEqual(['NOT_FOUND', 'INVITE_CODE_INVALID']);
    expect((await join(late!, newCode)).body.data).toBeTruthy();

    const ownerLeaves = await leave(owner!, 'rockets');
    expect([errorCode(ownerLeaves), errorReason(ownerLeaves)]).toEqual(['CONFLICT', 'OWNER_MUST_TRANSFER']);
    const notMine = await gql(outsider!, 'mutation { transferTeamOwnership(teamSlug: "rockets", handle: "t-outsider") { slug } }');
    expect(errorCode(notMine)).toBe('FORBIDDEN');
    const toStranger = await gql(owner!, 'mutation { transferTeamOwnership(teamSlug: "rockets", handle: "t-outsider") { slug } }');
    expect([errorCode(toStranger), errorReason(toStranger)]).toEqual(['NOT_FOUND', 'NOT_IN_TEAM']);
    expect(
      (await gql(owner!, 'mutation { transferTeamOwnership(teamSlug: "rockets", handle: "t-member") { owner { handle } } }')).body.data,
    ).toEqual({
      transferTeamOwnership: { owner: { handle: 't-member' } },
    });
    expect((await team(owner!, 'rockets')).body.data!.team).toMatchObject({ inviteCode: null });

    // A removed member's old token carries no team: membership is read at request time.
    expect(
      (await gql(member!, 'mutation { removeTeamMember(teamSlug: "rockets", handle: "t-late") { members { handle } } }')).body.data,
    ).toEqual({
      removeTeamMember: { members: [{ handle: 't-owner' }, { handle: 't-member' }] },
    });
    expect(await myTeam(late!)).toBeNull();
    expect(errorCode(await leave(late!, 'rockets'))).toBe('FORBIDDEN');

    expect((await leave(owner!, 'rockets')).body.data).toEqual({ leaveTeam: true });
    expect((await leave(member!, 'rockets')).body.data).toEqual({ leaveTeam: true });
    expect((await team(null, 'rockets')).body.data).toEqual({ team: null });
    expect(await audit(rockets.id)).toEqual([
      'team.created',
      'team.member-joined',
      'team.invite-code-rotated',
      'team.member-joined',
      'team.ownership-transferred',
      'team.member-removed',
      'team.member-left',
      'team.member-left',
      'team.deleted',
    ]);
  });

  it('keeps a user in at most one team, even under concurrent joins', async () => {
    const [a, b, hopper] = await Promise.all(['one-a', 'one-b', 'hopper'].map((h) => register(app, h)));
    const codeA = ((await create(a!, 'team-a')).body.data!.createTeam as { inviteCode: string }).inviteCode;
    const codeB = ((await create(b!, 'team-b')).body.data!.createTeam as { inviteCode: string }).inviteCode;
    const results = await Promise.all([join(hopper!, codeA), join(hopper!, codeB), create(hopper!, 'team-c')]);
    const succeeded = results.filter((r) => r.body.data);
    expect(succeeded).toHaveLength(1);
    for (const failed of results.filter((r) => !r.body.data)) expect(errorReason(failed)).toBe('ALREADY_IN_TEAM');
    const count = await withClient(
      app.database.url,
      async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.handle = 'hopper'`))
          .rows[0].n,
    );
    expect(count).toBe(1);
  });

  it('refuses bad names, taken slugs and anonymous callers, and stores nothing', async () => {
    const [c1, c2] = await Promise.all(['slug-one', 'slug-two'].map((h) => register(app, h)));
    expect((await create(c1!, 'taken')).body.data).toBeTruthy();
    const taken = await create(c2!, 'taken');
    expect([errorCode(taken), errorReason(taken)]).toEqual(['CONFLICT', 'TEAM_SLUG_TAKEN']);
    const badSlug = await create(c2!, 'Not A Slug');
    expect([errorCode(badSlug), errorReason(badSlug)]).toEqual(['BAD_USER_INPUT', 'INVALID_TEAM_DETAILS']);
    const anonymous = await app.graphql('mutation { createTeam(input: { name: "Ghosts", slug: "ghosts" }) { slug } }');
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
    expect(await myTeam(c2!)).toBeNull();
    expect((await team(null, 'ghosts')).body.data).toEqual({ team: null });
  });
});
