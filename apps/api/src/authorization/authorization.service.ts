import { Injectable } from '@nestjs/common';
import { authorize, CommonErrorCode, DomainError, type Actor, type Operation, type Target } from '@app/domain';
import type { Caller } from './caller';

/**
 * The services' one entry point to the POLICY table (libs/domain/src/authorization/policy.ts).
 * A token that was presented but refused is reported as such before any rule is checked.
 */
@Injectable()
export class AuthorizationService {
  /** @returns the signed-in actor. @throws UNAUTHENTICATED / FORBIDDEN per POLICY. */
  authorize(caller: Caller, operation: Operation, target: Target = {}): Actor {
    if (caller.failure) throw caller.failure;
    return authorize(caller.actor, operation, target);
  }

  /** The signed-in actor, for lookups that must not reveal anything to anonymous callers. @throws UNAUTHENTICATED */
  signedIn(caller: Caller): Actor {
    if (caller.failure) throw caller.failure;
    if (!caller.actor) throw new DomainError(CommonErrorCode.Unauthenticated, 'sign in first');
    return caller.actor;
  }

  /** Like `authorize`, but answers false instead of throwing (for fields shown only to some). */
  allows(caller: Caller, operation: Operation, target: Target = {}): boolean {
    try {
      this.authorize(caller, operation, target);
      return true;
    } catch {
      return false;
    }
  }
}
