import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { Operation, POLICY, type Actor, type Target } from '@app/domain';
import { createTestDatabase } from '@app/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { AuthorizationService } from '../../apps/api/src/authorization/authorization.service';
import type { Caller } from '../../apps/api/src/authorization/caller';
import { createHttpAdapter, serve } from '../../apps/api/src/bootstrap/server';
import { expectedOutcome, PERSONAS, runMatrix } from '../support/authorization-matrix';
import { asTestApp, startTestApp, testConfig, type TestApp } from '../support/test-app';

describe('the authorization matrix (POLICY × personas, over HTTP)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  it('enforces every rule of the table for every protected operation', async () => {
    const cases = await runMatrix(app);
    expect(cases).toHaveLength(Object.values(Operation).length * PERSONAS.length);
    const mismatches = cases.filter((c) => c.expected !== c.actual);
    expect(mismatches).toEqual([]);
    // The matrix is not vacuous: every outcome kind occurs.
    expect(new Set(cases.map((c) => c.actual))).toEqual(new Set(['allowed', 'UNAUTHENTICATED', 'FORBIDDEN', 'hidden']));
  }, 300_000); // 25 operations × 6 personas over HTTP, each world with fresh argon2id accounts: ~50 s alone, minutes under load

  it('derives expectations from the table (spot checks)', () => {
    expect(expectedOutcome(POLICY[Operation.SetRole], 'mentor')).toBe('FORBIDDEN');
    expect(expectedOutcome(POLICY[Operation.SetRole], 'admin')).toBe('allowed');
    expect(expectedOutcome(POLICY[Operation.CreateApiToken], 'learnerViaApiToken')).toBe('FORBIDDEN');
    expect(expectedOutcome(POLICY[Operation.RotateInviteCode], 'otherTeamLearner')).toBe('FORBIDDEN');
    expect(expectedOutcome(POLICY[Operation.RotateInviteCode], 'admin')).toBe('allowed');
    expect(expectedOutcome(POLICY[Operation.LeaveTeam], 'admin')).toBe('FORBIDDEN');
  });
});

/** A guard with one check removed: rotating any team's invite code only needs a signed-in caller. */
class LeakyAuthorizationService extends AuthorizationService {
  override authorize(caller: Caller, operation: Operation, target: Target = {}): Actor {
    if (operation === Operation.RotateInviteCode) return this.signedIn(caller);
    return super.authorize(caller, operation, target);
  }
}

describe('the matrix against a deliberately broken guard', () => {
  it('fails: it reports the operation whose check was removed, for exactly the personas that check kept out', async () => {
    const database = await createTestDatabase();
    const config = testConfig(database);
    const logger = pino({ level: 'silent' });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, database.url, logger)] })
      .overrideProvider(AuthorizationService)
      .useClass(LeakyAuthorizationService)
      .compile();
    const nest = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(logger), { bufferLogs: true });
    const broken = asTestApp(await serve(nest, { config, logger, databaseUrl: database.url }), database, config);
    try {
      const cases = await runMatrix(broken, [Operation.RotateInviteCode, Operation.RemoveTeamMember]);
      const mismatches = cases.filter((c) => c.expected !== c.actual).map((c) => [c.operation, c.persona, c.expected, c.actual]);
      expect(mismatches).toEqual([
        [Operation.RotateInviteCode, 'otherTeamLearner', 'FORBIDDEN', 'allowed'],
        [Operation.RotateInviteCode, 'mentor', 'FORBIDDEN', 'allowed'],
      ]);
    } finally {
      await broken.stop();
    }
  });
});
