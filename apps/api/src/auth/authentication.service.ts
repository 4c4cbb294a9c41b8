import { Injectable } from '@nestjs/common';
import { ApiTokenRepository, isDatabaseUnavailable, SessionRepository, type ApiTokenOwner } from '@app/db';
import { AuthError, AuthErrorCode, CommonErrorCode, DomainError, type Actor } from '@app/domain';
import { ANONYMOUS, type Caller } from '../authorization/caller';
import { API_TOKEN_PREFIX, TokenService } from './token.service';

/**
 * Turns an `Authorization: Bearer …` header into a Caller. Access tokens are checked for
 * signature, algorithm, audience, issuer and expiry, then against their session (so logout and
 * refresh-token reuse end them at once); API tokens against their hash. The user's role and
 * team are read now, never trusted from the token.
 */
@Injectable()
export class AuthenticationService {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRepository,
    private readonly apiTokens: ApiTokenRepository,
  ) {}

  async callerFor(authorization: string | undefined): Promise<Caller> {
    if (authorization === undefined || authorization === '') return ANONYMOUS;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(authorization);
    if (!match) return refused(AuthErrorCode.TokenInvalid, 'Authorization header must be "Bearer <token>"');
    try {
      const actor = match[1]!.startsWith(API_TOKEN_PREFIX) ? await this.fromApiToken(match[1]!) : await this.fromAccessToken(match[1]!);
      return { actor, failure: null };
    } catch (error) {
      if (error instanceof AuthError) return { actor: null, failure: error };
      // The token cannot be checked against its session while the database is down. Thrown from
      // here it would fail the request before GraphQL could answer (Mercurius builds the context
      // first); as the caller's failure, every operation that needs the caller answers SERVICE_UNAVAILABLE.
      if (isDatabaseUnavailable(error)) {
        const unavailable = 'your credentials cannot be checked right now: the database is unreachable; try again shortly';
        return { actor: null, failure: new DomainError(CommonErrorCode.Unavailable, unavailable) };
      }
      throw error;
    }
  }

  private async fromAccessToken(token: string): Promise<Actor> {
    const claims = await this.tokens.verifyAccessToken(token);
    const session = await this.sessions.findWithUser(claims.sessionId);
    if (!session || session.user.id !== claims.userId)
      throw new AuthError(AuthErrorCode.TokenInvalid, 'access token refused: unknown session');
    if (session.revokedAt !== null) throw new AuthError(AuthErrorCode.SessionRevoked, 'this session has ended; log in again');
    return actorOf(session.user, 'session', session.id);
  }

  private async fromApiToken(token: string): Promise<Actor> {
    const owner = await this.apiTokens.findActiveOwner(this.tokens.hashOpaqueToken(token));
    if (!owner) throw new AuthError(AuthErrorCode.TokenInvalid, 'API token unknown or revoked');
    return actorOf(owner.user, 'api-token', null);
  }
}

function actorOf(user: ApiTokenOwner['user'], via: Actor['via'], sessionId: string | null): Actor {
  return { userId: user.id, handle: user.handle, role: user.role, teamId: user.membership?.teamId ?? null, via, sessionId };
}

function refused(code: AuthErrorCode, message: string): Caller {
  return { actor: null, failure: new AuthError(code, message) };
}
