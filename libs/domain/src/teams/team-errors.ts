import { DomainError } from '../errors/domain-error';

export enum TeamErrorCode {
  /** The user is already in a team: leave it first (one team at a time). */
  AlreadyInTeam = 'ALREADY_IN_TEAM',
  /** The user is not a member of that team. */
  NotInTeam = 'NOT_IN_TEAM',
  /** The owner of a team with other members must hand ownership over before leaving. */
  OwnerMustTransfer = 'OWNER_MUST_TRANSFER',
  SlugTaken = 'TEAM_SLUG_TAKEN',
  /** Name or slug malformed; the message says which. */
  InvalidTeamDetails = 'INVALID_TEAM_DETAILS',
  /** No team has this invite code (it may have been rotated). */
  InviteCodeInvalid = 'INVITE_CODE_INVALID',
}

export class TeamError extends DomainError<TeamErrorCode> {}
