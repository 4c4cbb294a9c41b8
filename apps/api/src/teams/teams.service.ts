import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AuditRepository,
  TeamRepository,
  TransactionRunner,
  UserRepository,
  sqlExecutorFor,
  type DbTransaction,
  type StandingsDelta,
  type TeamRecord,
  type UserRecord,
} from '@app/db';
import { assertValidTeam, CommonErrorCode, DomainError, Operation, TeamError, TeamErrorCode } from '@app/domain';
import { EventBus, leaderboardEvent } from '@app/events';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud and typed by hand

/** 12 characters from 32 symbols: 60 bits, unguessable within any rate of joinTeam calls. */
function newInviteCode(): string {
  return [...randomBytes(12)].map((byte) => INVITE_ALPHABET[byte % 32]).join('');
}

@Injectable()
export class TeamsService {
  constructor(
    private readonly teams: TeamRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
    private readonly events: EventBus,
  ) {}

  bySlug(slug: string): Promise<TeamRecord | null> {
    return this.teams.findBySlug(slug);
  }

  async teamOf(userId: string): Promise<TeamRecord | null> {
    const membership = await this.teams.membershipOf(userId);
    return membership ? this.teams.findById(membership.teamId) : null;
  }

  members(teamId: string): Promise<UserRecord[]> {
    return this.teams.members(teamId);
  }

  async owner(teamId: string): Promise<UserRecord | null> {
    const ownerId = await this.teams.ownerId(teamId);
    return ownerId ? this.users.findById(ownerId) : null;
  }

  async inviteCodeVisibleTo(caller: Caller, team: TeamRecord): Promise<string | null> {
    const teamOwnerId = (await this.teams.ownerId(team.id)) ?? undefined;
    return this.authorization.allows(caller, Operation.ViewInviteCode, { teamOwnerId }) ? team.inviteCode : null;
  }

  /** @throws INVALID_TEAM_DETAILS, ALREADY_IN_TEAM, TEAM_SLUG_TAKEN */
  async create(caller: Caller, input: { name: string; slug: string }): Promise<TeamRecord> {
    const actor = this.authorization.authorize(caller, Operation.CreateTeam);
    const { name, slug } = assertValidTeam(input.name, input.slug);
    return this.transactions.run(async (tx) => {
      await this.teams.lockUser(actor.userId, tx);
      if (await this.teams.membershipOf(actor.userId, tx)) throw alreadyInTeam();
      const created = await this.teams.createWithOwner({ name, slug, inviteCode: newInviteCode() }, actor.userId, tx);
      if (!created) throw new TeamError(TeamErrorCode.SlugTaken, `team slug "${slug}" is taken; choose another`);
      const { team, standings } = created;
      await this.announce(standings, tx);
      await this.audit.record(
        { actorId: actor.userId, action: 'team.created', objectType: 'Team', objectId: team.id, details: { slug } },
        tx,
      );
      return team;
    });
  }

  /** @throws INVITE_CODE_INVALID, ALREADY_IN_TEAM */
  async join(caller: Caller, inviteCode: string): Promise<TeamRecord> {
    const actor = this.authorization.authorize(caller, Operation.JoinTeam);
    return this.transactions.run(async (tx) => {
      const team = inviteCode.length <= 64 ? await this.teams.findByInviteCode(inviteCode.trim().toUpperCase(), tx) : null;
      if (!team)
        throw new TeamError(
          TeamErrorCode.InviteCodeInvalid,
          'no team has this invite code (it may have been rotated); ask the owner for the current one',
        );
      await this.teams.lockUser(actor.userId, tx);
      await this.teams.lock(team.id, tx);
      const standings = await this.teams.addMember(team.id, actor.userId, tx);
      if (!standings) throw alreadyInTeam();
      await this.announce(standings, tx);
      await this.audit.record(
        { actorId: actor.userId, action: 'team.member-joined', objectType: 'Team', objectId: team.id, details: { userId: actor.userId } },
        tx,
      );
      return team;
    });
  }

  /** Leaves; the last member leaving deletes the team. @throws NOT_FOUND, FORBIDDEN, OWNER_MUST_TRANSFER */
  async leave(caller: Caller, teamSlug: string): Promise<boolean> {
    const team = await this.existing(caller, teamSlug);
    const actor = this.authorization.authorize(caller, Operation.LeaveTeam, { teamId: team.id });
    await this.transactions.run(async (tx) => {
      await this.teams.lock(team.id, tx);
      const membership = await this.teams.membershipOf(actor.userId, tx);
      if (membership?.teamId !== team.id) throw notInTeam(actor.handle, teamSlug);
      const others = (await this.teams.countMembers(team.id, tx)) - 1;
      if (membership.role === 'OWNER' && others > 0) {
        throw new TeamError(TeamErrorCode.OwnerMustTransfer, 'you own this team: transfer ownership to another member before leaving');
      }
      await this.announce(await this.teams.removeMember(team.id, actor.userId, tx), tx);
      await this.audit.record(
        { actorId: actor.userId, action: 'team.member-left', objectType: 'Team', objectId: team.id, details: { userId: actor.userId } },
        tx,
      );
      if (others === 0) {
        await this.teams.delete(team.id, tx);
        await this.audit.record(
          { actorId: actor.userId, action: 'team.deleted', objectType: 'Team', objectId: team.id, details: { slug: team.slug } },
          tx,
        );
      }
    });
    return true;
  }

  /** @throws NOT_FOUND, FORBIDDEN */
  async rotateInviteCode(caller: Caller, teamSlug: string): Promise<TeamRecord> {
    const team = await this.existing(caller, teamSlug);
    const actor = this.authorization.authorize(caller, Operation.RotateInviteCode, { teamOwnerId: await this.ownerIdOf(team) });
    return this.transactions.run(async (tx) => {
      const updated = await this.teams.setInviteCode(team.id, newInviteCode(), tx);
      await this.audit.record({ actorId: actor.userId, action: 'team.invite-code-rotated', objectType: 'Team', objectId: team.id }, tx);
      return updated;
    });
  }

  /** @throws NOT_FOUND, FORBIDDEN, NOT_IN_TEAM */
  async transferOwnership(caller: Caller, teamSlug: string, handle: string): Promise<TeamRecord> {
    const team = await this.existing(caller, teamSlug);
    const actor = this.authorization.authorize(caller, Operation.TransferTeamOwnership, { teamOwnerId: await this.ownerIdOf(team) });
    await this.transactions.run(async (tx) => {
      await this.teams.lock(team.id, tx);
      const target = await this.memberByHandle(team, handle, tx);
      const currentOwner = await this.teams.ownerId(team.id, tx);
      if (currentOwner === target.id) return;
      if (currentOwner) await this.teams.setRole(team.id, currentOwner, 'MEMBER', tx);
      await this.teams.setRole(team.id, target.id, 'OWNER', tx);
      await this.audit.record(
        {
          actorId: actor.userId,
          action: 'team.ownership-transferred',
          objectType: 'Team',
          objectId: team.id,
          details: { from: currentOwner, to: target.id },
        },
        tx,
      );
    });
    return team;
  }

  /** @throws NOT_FOUND, FORBIDDEN, NOT_IN_TEAM, OWNER_MUST_TRANSFER (the owner cannot be removed) */
  async removeMember(caller: Caller, teamSlug: string, handle: string): Promise<TeamRecord> {
    const team = await this.existing(caller, teamSlug);
    const actor = this.authorization.authorize(caller, Operation.RemoveTeamMember, { teamOwnerId: await this.ownerIdOf(team) });
    await this.transactions.run(async (tx) => {
      await this.teams.lock(team.id, tx);
      const target = await this.memberByHandle(team, handle, tx);
      if ((await this.teams.ownerId(team.id, tx)) === target.id) {
        throw new TeamError(TeamErrorCode.OwnerMustTransfer, 'the owner cannot be removed; transfer ownership first');
      }
      await this.announce(await this.teams.removeMember(team.id, target.id, tx), tx);
      await this.audit.record(
        { actorId: actor.userId, action: 'team.member-removed', objectType: 'Team', objectId: team.id, details: { userId: target.id } },
        tx,
      );
    });
    return team;
  }

  /** A member's points moved with them: the team boards changed (delivered when `tx` commits). */
  private async announce(standings: StandingsDelta, tx: DbTransaction): Promise<void> {
    await this.events.publish(leaderboardEvent(standings), sqlExecutorFor(tx));
  }

  private async existing(caller: Caller, slug: string): Promise<TeamRecord> {
    this.authorization.signedIn(caller);
    const team = await this.teams.findBySlug(slug);
    if (!team) throw new DomainError(CommonErrorCode.NotFound, `no team "${slug}"`);
    return team;
  }

  private async ownerIdOf(team: TeamRecord): Promise<string | undefined> {
    return (await this.teams.ownerId(team.id)) ?? undefined;
  }

  private async memberByHandle(team: TeamRecord, handle: string, tx: DbTransaction): Promise<UserRecord> {
    const member = (await this.teams.members(team.id, tx)).find((m) => m.handle === handle);
    if (!member) throw notInTeam(handle, team.slug);
    return member;
  }
}

function alreadyInTeam(): TeamError {
  return new TeamError(TeamErrorCode.AlreadyInTeam, 'you are already in a team; leave it first (one team at a time)');
}

function notInTeam(handle: string, slug: string): TeamError {
  return new TeamError(TeamErrorCode.NotInTeam, `${handle} is not a member of ${slug}`);
}
