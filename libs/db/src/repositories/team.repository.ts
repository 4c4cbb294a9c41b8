import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';
import { NO_CHANGE, refreshStandings, type StandingsDelta } from './leaderboard-upkeep';
import type { UserRecord } from './user.repository';

export type TeamRole = 'OWNER' | 'MEMBER';

export interface TeamRecord {
  id: string;
  slug: string;
  name: string;
  inviteCode: string;
  createdAt: Date;
}

export interface TeamMember extends UserRecord {
  teamRole: TeamRole;
  joinedAt: Date;
}

const TEAM = { id: true, slug: true, name: true, inviteCode: true, createdAt: true } as const;

@Injectable()
export class TeamRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates a team with its owner, whose points it carries from then on (the team's standings are
   * brought in line in `db`'s transaction); null when the slug is taken.
   */
  async createWithOwner(
    data: { slug: string; name: string; inviteCode: string },
    ownerId: string,
    db: Db,
  ): Promise<{ team: TeamRecord; standings: StandingsDelta } | null> {
    if (await db.team.findUnique({ where: { slug: data.slug }, select: { id: true } })) return null;
    let team: TeamRecord;
    try {
      team = await db.team.create({ data: { ...data, memberships: { create: { userId: ownerId, role: 'OWNER' } } }, select: TEAM });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return null;
      throw error;
    }
    return { team, standings: await refreshStandings(db, { userIds: [ownerId], challengeIds: [], teamIds: [team.id] }) };
  }

  findBySlug(slug: string, db: Db = this.prisma): Promise<TeamRecord | null> {
    return db.team.findUnique({ where: { slug }, select: TEAM });
  }

  findById(id: string, db: Db = this.prisma): Promise<TeamRecord | null> {
    return db.team.findUnique({ where: { id }, select: TEAM });
  }

  findByInviteCode(inviteCode: string, db: Db = this.prisma): Promise<TeamRecord | null> {
    return db.team.findUnique({ where: { inviteCode }, select: TEAM });
  }

  /** The owner's user id (every team has exactly one owner while it has members). */
  async ownerId(teamId: string, db: Db = this.prisma): Promise<string | null> {
    const owner = await db.membership.findFirst({ where: { teamId, role: 'OWNER' }, select: { userId: true } });
    return owner?.userId ?? null;
  }

  /** Members in the order they joined. */
  async members(teamId: string, db: Db = this.prisma): Promise<TeamMember[]> {
    const rows = await db.membership.findMany({
      where: { teamId },
      orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }],
      select: { role: true, joinedAt: true, user: { select: { id: true, email: true, handle: true, role: true, createdAt: true } } },
    });
    return rows.map((row) => ({ ...row.user, teamRole: row.role, joinedAt: row.joinedAt }));
  }

  membershipOf(userId: string, db: Db = this.prisma): Promise<{ teamId: string; role: TeamRole } | null> {
    return db.membership.findUnique({ where: { userId }, select: { teamId: true, role: true } });
  }

  /**
   * Adds a member, whose points move to the team (its standings are brought in line in `db`'s
   * transaction). @returns what changed on the leaderboards; null when the user is already in a
   * team (the primary key is the user).
   */
  async addMember(teamId: string, userId: string, db: Db): Promise<StandingsDelta | null> {
    try {
      await db.membership.create({ data: { teamId, userId, role: 'MEMBER' } });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return null;
      throw error;
    }
    return refreshStandings(db, { userIds: [userId], challengeIds: [], teamIds: [teamId] });
  }

  /** Removes a member, whose points leave the team with them. @returns what changed on the leaderboards */
  async removeMember(teamId: string, userId: string, db: Db): Promise<StandingsDelta> {
    const { count } = await db.membership.deleteMany({ where: { teamId, userId } });
    return count > 0 ? refreshStandings(db, { userIds: [userId], challengeIds: [], teamIds: [teamId] }) : NO_CHANGE;
  }

  async countMembers(teamId: string, db: Db = this.prisma): Promise<number> {
    return db.membership.count({ where: { teamId } });
  }

  async setRole(teamId: string, userId: string, role: TeamRole, db: Db): Promise<void> {
    await db.membership.update({ where: { userId, teamId }, data: { role } });
  }

  async setInviteCode(teamId: string, inviteCode: string, db: Db = this.prisma): Promise<TeamRecord> {
    return db.team.update({ where: { id: teamId }, data: { inviteCode }, select: TEAM });
  }

  async delete(teamId: string, db: Db): Promise<void> {
    await db.team.delete({ where: { id: teamId } });
  }

  /** Serialises one user's team changes (create, join), so "one team at a time" holds under concurrency. */
  async lockUser(userId: string, db: Db): Promise<void> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('team-member:' || ${userId}))`;
  }

  /** Serialises membership changes of one team (joins, leaves, ownership) inside `db`'s transaction. */
  async lock(teamId: string, db: Db): Promise<void> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('team:' || ${teamId}))`;
  }
}
