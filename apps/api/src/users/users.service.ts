import { Injectable } from '@nestjs/common';
import { AuditRepository, TransactionRunner, UserRepository, type UserRecord } from '@app/db';
import { AuthError, AuthErrorCode, CommonErrorCode, DomainError, isUuid, Operation, ROLES, type Role } from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
  ) {}

  /** The signed-in user; null without a token; the token's problem when one was refused. */
  async me(caller: Caller): Promise<UserRecord | null> {
    if (caller.failure) throw caller.failure;
    return caller.actor ? this.users.findById(caller.actor.userId) : null;
  }

  /** Emails are shown to their owner and to admins only. */
  emailVisibleTo(caller: Caller, user: UserRecord): string | null {
    const actor = caller.actor;
    return actor && (actor.userId === user.id || actor.role === 'ADMIN') ? user.email : null;
  }

  /**
   * Changes a user's role (ADMIN only). The last admin cannot demote themselves or be demoted.
   * @throws FORBIDDEN, NOT_FOUND, LAST_ADMIN
   */
  async setRole(caller: Caller, userId: string, role: Role): Promise<UserRecord> {
    const actor = this.authorization.authorize(caller, Operation.SetRole);
    if (!ROLES.includes(role)) throw new DomainError(CommonErrorCode.InvalidInput, `role must be one of ${ROLES.join(', ')}`);
    return this.transactions.run(async (tx) => {
      await this.users.lockRoles(tx);
      const user = isUuid(userId) ? await this.users.findById(userId, tx) : null;
      if (!user) throw new DomainError(CommonErrorCode.NotFound, `no user ${userId}`);
      if (user.role === role) return user;
      if (user.role === 'ADMIN' && (await this.users.countAdmins(tx)) === 1) {
        throw new AuthError(AuthErrorCode.LastAdmin, 'this is the last admin; make someone else ADMIN first');
      }
      const updated = await this.users.setRole(user.id, role, tx);
      await this.audit.record(
        {
          actorId: actor.userId,
          action: 'user.role-changed',
          objectType: 'User',
          objectId: user.id,
          details: { from: user.role, to: role },
        },
        tx,
      );
      return updated;
    });
  }
}
