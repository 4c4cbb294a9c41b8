import { Injectable } from '@nestjs/common';
import { ApiTokenRepository, AuditRepository, TransactionRunner, type ApiTokenRecord } from '@app/db';
import { AuthError, AuthErrorCode, CommonErrorCode, DomainError, isUuid, normaliseTokenName, Operation } from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';
import { API_TOKEN_PREFIX, TokenService } from './token.service';

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly apiTokens: ApiTokenRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly tokens: TokenService,
    private readonly authorization: AuthorizationService,
  ) {}

  /**
   * Creates a personal API token (for the CLI and CI). The token is returned once and stored
   * only as its hash. Needs a signed-in session: an API token cannot mint more tokens.
   * @throws AuthError INVALID_TOKEN_NAME (also when an active token has that name)
   */
  async create(caller: Caller, rawName: string): Promise<{ token: string; record: ApiTokenRecord }> {
    const actor = this.authorization.authorize(caller, Operation.CreateApiToken);
    const name = normaliseTokenName(rawName);
    const token = this.tokens.newOpaqueToken(API_TOKEN_PREFIX);
    const record = await this.transactions.run(async (tx) => {
      if (await this.apiTokens.activeNameExists(actor.userId, name, tx)) {
        throw new AuthError(
          AuthErrorCode.InvalidTokenName,
          `you already have an active token named "${name}"; revoke it or pick another name`,
        );
      }
      const created = await this.apiTokens.create(
        { userId: actor.userId, name, tokenHash: this.tokens.hashOpaqueToken(token), prefix: token.slice(0, 8) },
        tx,
      );
      await this.audit.record(
        { actorId: actor.userId, action: 'api-token.created', objectType: 'ApiToken', objectId: created.id, details: { name } },
        tx,
      );
      return created;
    });
    return { token, record };
  }

  /** A user's tokens (active and revoked), newest first. Only the user may list them. */
  async list(caller: Caller, userId: string, first: number, after: string | null | undefined): Promise<ConnectionShape<ApiTokenRecord>> {
    this.authorization.authorize(caller, Operation.ListApiTokens, { userId });
    const position = after ? decodeCursor(after, ['string', 'string'] as const) : undefined;
    const rows = await this.apiTokens.listForUser(
      userId,
      takeFor(first),
      position && { createdAt: new Date(position[0]), id: position[1] },
    );
    return connectionFromRows(rows, first, (row) => [row.createdAt.toISOString(), row.id]);
  }

  /** Revokes a token of the caller's (admins: anyone's). Revoking twice is fine. @throws NOT_FOUND, FORBIDDEN */
  async revoke(caller: Caller, id: string): Promise<ApiTokenRecord> {
    const token = isUuid(id) ? await this.apiTokens.findById(id) : null;
    if (!token) {
      this.authorization.signedIn(caller); // anonymous callers learn nothing
      throw new DomainError(CommonErrorCode.NotFound, `no API token ${id}`);
    }
    const actor = this.authorization.authorize(caller, Operation.RevokeApiToken, { userId: token.userId });
    await this.transactions.run(async (tx) => {
      if (await this.apiTokens.revoke(token.id, tx)) {
        await this.audit.record(
          {
            actorId: actor.userId,
            action: 'api-token.revoked',
            objectType: 'ApiToken',
            objectId: token.id,
            details: { ownerId: token.userId },
          },
          tx,
        );
      }
    });
    return (await this.apiTokens.findById(id))!;
  }
}
