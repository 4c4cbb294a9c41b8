import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  AuditRepository,
  LoginFailureRepository,
  SessionRepository,
  TransactionRunner,
  UserRepository,
  type DbTransaction,
  type UserRecord,
} from '@app/db';
import {
  assertAcceptablePassword,
  assertValidHandle,
  AuthError,
  AuthErrorCode,
  LOGIN_FAILURE_LIMIT,
  LOGIN_FAILURE_WINDOW_MS,
  normaliseEmail,
  Operation,
} from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { PasswordHasher } from './password-hasher.service';
import { REFRESH_TOKEN_PREFIX, SESSION_TTL_MS, TokenService } from './token.service';

interface StartedSession {
  sessionId: string;
  refreshToken: string;
  user: UserRecord;
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  user: UserRecord;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly loginFailures: LoginFailureRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly authorization: AuthorizationService,
  ) {}

  /**
   * Creates an account and signs it in. Accounts whose email is in ADMIN_EMAILS start as ADMIN.
   * @throws AuthError INVALID_ACCOUNT_DETAILS, WEAK_PASSWORD, EMAIL_TAKEN, HANDLE_TAKEN
   */
  async register(input: { email: string; handle: string; password: string }): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    assertValidHandle(input.handle);
    assertAcceptablePassword(input.password);
    const passwordHash = await this.passwords.hash(input.password);
    const role = this.config.adminEmails.includes(email) ? 'ADMIN' : 'LEARNER';
    return this.transactions
      .run(async (tx) => {
        const created = await this.users.create({ email, handle: input.handle, passwordHash, role }, tx);
        if ('taken' in created) {
          throw created.taken === 'email'
            ? new AuthError(AuthErrorCode.EmailTaken, 'an account with this email exists; log in instead')
            : new AuthError(AuthErrorCode.HandleTaken, `handle "${input.handle}" is taken; choose another`);
        }
        await this.audit.record(
          { actorId: created.id, action: 'user.registered', objectType: 'User', objectId: created.id, details: { role } },
          tx,
        );
        return this.startSession(created, tx);
      })
      .then((started) => this.signIn(started));
  }

  /**
   * Signs in with email and password. At most LOGIN_FAILURE_LIMIT failures per account per
   * hour: past that every attempt (even a correct one) is refused until the oldest failure is an
   * hour old. Attempts on one email are serialised, so concurrent or aliased attempts count exactly.
   * @throws AuthError INVALID_CREDENTIALS, LOGIN_RATE_LIMITED (details.retryAt)
   */
  async login(input: { email: string; password: string }): Promise<SignedIn> {
    const email = input.email.trim().toLowerCase();
    const outcome = await this.transactions.run(async (tx) => {
      await this.loginFailures.lockEmail(email, tx);
      const now = new Date();
      const windowStart = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
      const failures = await this.loginFailures.since(email, windowStart, tx);
      if (failures.count >= LOGIN_FAILURE_LIMIT) {
        return { kind: 'limited' as const, retryAt: new Date(failures.oldest!.getTime() + LOGIN_FAILURE_WINDOW_MS) };
      }
      const user = await this.users.findByEmailWithPassword(email, tx);
      if (!(await this.passwords.verify(user?.passwordHash ?? null, input.password)) || !user) {
        await this.loginFailures.record(email, windowStart, tx);
        return { kind: 'failed' as const };
      }
      const { passwordHash: _hash, ...record } = user;
      return { kind: 'ok' as const, started: await this.startSession(record, tx) };
    });
    if (outcome.kind === 'limited') {
      throw new AuthError(
        AuthErrorCode.LoginRateLimited,
        `too many failed logins for this account in the last hour; try again after ${outcome.retryAt.toISOString()}`,
        { retryAt: outcome.retryAt.toISOString() },
      );
    }
    if (outcome.kind === 'failed') throw new AuthError(AuthErrorCode.InvalidCredentials, 'email or password is wrong');
    return this.signIn(outcome.started);
  }

  /**
   * Exchanges a refresh token for a new pair. Each refresh token works once; presenting a used
   * one means it was copied, so every session of the account ends (the thief's and the owner's).
   * @throws AuthError REFRESH_TOKEN_INVALID, REFRESH_TOKEN_REUSED
   */
  async refresh(refreshToken: string): Promise<SignedIn> {
    const successor = this.tokens.newOpaqueToken(REFRESH_TOKEN_PREFIX);
    const outcome = await this.transactions.run(async (tx) => {
      const result = await this.sessions.rotate(
        this.tokens.hashOpaqueToken(refreshToken),
        this.tokens.hashOpaqueToken(successor),
        new Date(),
        tx,
      );
      if (result.kind === 'reused') {
        const ended = await this.sessions.revokeAllOfUser(result.userId, 'refresh-token-reused', tx);
        await this.audit.record(
          {
            actorId: null,
            action: 'session.refresh-token-reused',
            objectType: 'User',
            objectId: result.userId,
            details: { sessionId: result.sessionId, sessionsEnded: ended },
          },
          tx,
        );
      }
      return result;
    });
    if (outcome.kind === 'invalid')
      throw new AuthError(AuthErrorCode.RefreshTokenInvalid, 'refresh token unknown, expired or ended; log in again');
    if (outcome.kind === 'reused') {
      throw new AuthError(
        AuthErrorCode.RefreshTokenReused,
        'this refresh token was already used; every session of the account has been ended: log in again',
      );
    }
    const user = await this.users.findById(outcome.userId);
    return {
      accessToken: await this.tokens.issueAccessToken({ userId: outcome.userId, sessionId: outcome.sessionId }),
      refreshToken: successor,
      user: user!,
    };
  }

  /** Ends the caller's session: its refresh tokens and access tokens stop working. */
  async logout(caller: Caller): Promise<boolean> {
    const actor = this.authorization.authorize(caller, Operation.Logout);
    await this.transactions.run(async (tx) => {
      await this.sessions.revoke(actor.sessionId!, 'logout', tx);
      await this.audit.record({ actorId: actor.userId, action: 'session.logout', objectType: 'Session', objectId: actor.sessionId! }, tx);
    });
    return true;
  }

  /** Opens a session inside `tx`. The access token is signed after commit (see `signIn`). */
  private async startSession(user: UserRecord, tx: DbTransaction): Promise<StartedSession> {
    const refreshToken = this.tokens.newOpaqueToken(REFRESH_TOKEN_PREFIX);
    const session = await this.sessions.create(
      user.id,
      this.tokens.hashOpaqueToken(refreshToken),
      new Date(Date.now() + SESSION_TTL_MS),
      tx,
    );
    return { sessionId: session.id, refreshToken, user };
  }

  /**
   * Signing may read the signing key through the pool; doing it outside the transaction keeps
   * a request from holding one connection while waiting for another (a pool deadlock under load).
   */
  private async signIn(started: StartedSession): Promise<SignedIn> {
    const accessToken = await this.tokens.issueAccessToken({ userId: started.user.id, sessionId: started.sessionId });
    return { accessToken, refreshToken: started.refreshToken, user: started.user };
  }
}
