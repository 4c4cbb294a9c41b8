import type { Actor, Role } from '../auth/actor';
import { DomainError } from '../errors/domain-error';
import { CommonErrorCode } from '../errors/error-codes';

/** Every protected operation. Services call `authorize` with one of these before acting. */
export enum Operation {
  Logout = 'logout',
  CreateApiToken = 'createApiToken',
  ListApiTokens = 'listApiTokens',
  RevokeApiToken = 'revokeApiToken',
  SetRole = 'setRole',
  CreateTeam = 'createTeam',
  JoinTeam = 'joinTeam',
  LeaveTeam = 'leaveTeam',
  ViewInviteCode = 'viewInviteCode',
  RotateInviteCode = 'rotateInviteCode',
  TransferTeamOwnership = 'transferTeamOwnership',
  RemoveTeamMember = 'removeTeamMember',
  StartAttempt = 'startAttempt',
  ViewAttempt = 'viewAttempt',
  SyncCatalog = 'syncCatalog',
  UploadArtifact = 'uploadArtifact',
  ReadArtifact = 'readArtifact',
  SubmitModel = 'submitModel',
  ViewSubmission = 'viewSubmission',
  ViewSubmissionReport = 'viewSubmissionReport',
  RescoreSubmission = 'rescoreSubmission',
  StartSession = 'startSession',
  ViewSession = 'viewSession',
  RecordEdits = 'recordEdits',
  SubmitCode = 'submitCode',
  SubmitReport = 'submitReport',
  RequestReview = 'requestReview',
  ViewReview = 'viewReview',
  ViewReviewQueue = 'viewReviewQueue',
  ClaimReview = 'claimReview',
  ReleaseReview = 'releaseReview',
  CommentOnReview = 'commentOnReview',
  DecideReview = 'decideReview',
  ViewSessionPlayback = 'viewSessionPlayback',
  HideResult = 'hideResult',
  ShowResult = 'showResult',
  RecomputeLeaderboards = 'recomputeLeaderboards',
  AddJournalEntry = 'addJournalEntry',
  EditJournalEntry = 'editJournalEntry',
  ViewJournal = 'viewJournal',
  SetVisibility = 'setVisibility',
  SetTimeZone = 'setTimeZone',
  ViewLearnerProgress = 'viewLearnerProgress',
}

/**
 * Who may ask: anyone signed in; only a signed-in session (not an API token: tokens that mint
 * tokens or end sessions would outlive a revocation); or these roles.
 */
export type Audience = 'signed-in' | 'session' | readonly Role[];

/**
 * How the actor must relate to the object: none, the object is theirs, or their team's; a
 * `reviewer` is neither its owner nor in its owner's team (a mentor never reviews their own or
 * their team's work); `self-or-reviewer` is the owner, or a MENTOR/ADMIN who is a reviewer;
 * `mentor-of` is a mentor who has claimed or decided a review of the learner's work.
 */
export type Relation = 'any' | 'self' | 'team-member' | 'team-owner' | 'reviewer' | 'self-or-reviewer' | 'mentor-of';

export interface Rule {
  audience: Audience;
  relation: Relation;
  /** Admins pass the relation check (moderation, incident response). */
  adminBypass: boolean;
}

/** The one role × operation × ownership table. The authorization matrix e2e test is driven by it. */
export const POLICY: Readonly<Record<Operation, Rule>> = {
  [Operation.Logout]: { audience: 'session', relation: 'any', adminBypass: false },
  [Operation.CreateApiToken]: { audience: 'session', relation: 'any', adminBypass: false },
  [Operation.ListApiTokens]: { audience: 'signed-in', relation: 'self', adminBypass: false },
  [Operation.RevokeApiToken]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  [Operation.SetRole]: { audience: ['ADMIN'], relation: 'any', adminBypass: false },
  [Operation.CreateTeam]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.JoinTeam]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.LeaveTeam]: { audience: 'signed-in', relation: 'team-member', adminBypass: false },
  [Operation.ViewInviteCode]: { audience: 'signed-in', relation: 'team-owner', adminBypass: true },
  [Operation.RotateInviteCode]: { audience: 'signed-in', relation: 'team-owner', adminBypass: true },
  [Operation.TransferTeamOwnership]: { audience: 'signed-in', relation: 'team-owner', adminBypass: true },
  [Operation.RemoveTeamMember]: { audience: 'signed-in', relation: 'team-owner', adminBypass: true },
  [Operation.StartAttempt]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.ViewAttempt]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  [Operation.SyncCatalog]: { audience: ['ADMIN'], relation: 'any', adminBypass: false },
  [Operation.UploadArtifact]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.ReadArtifact]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  [Operation.SubmitModel]: { audience: 'signed-in', relation: 'self', adminBypass: false },
  // Mentors outside the learner's team see it while it is under review (the service checks the review).
  [Operation.ViewSubmission]: { audience: 'signed-in', relation: 'self-or-reviewer', adminBypass: true },
  // The benchmark picture (GET /submissions/:id/report.svg): whoever may see the submission.
  [Operation.ViewSubmissionReport]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  // The owner rescores against their quota; an admin rescores anyone's without using it.
  [Operation.RescoreSubmission]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  [Operation.StartSession]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.ViewSession]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  // Only the learner writes their edit log: an admin may look, never type into someone's session.
  [Operation.RecordEdits]: { audience: 'signed-in', relation: 'self', adminBypass: false },
  // Only the learner submits the code of their own session.
  [Operation.SubmitCode]: { audience: 'signed-in', relation: 'self', adminBypass: false },
  [Operation.SubmitReport]: { audience: 'signed-in', relation: 'self', adminBypass: false },
  // The owner asks a mentor to look at any scored submission; an admin may open one for anyone.
  [Operation.RequestReview]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  // The learner, and the mentors who may review it (never their own or their team's), and admins.
  [Operation.ViewReview]: { audience: 'signed-in', relation: 'self-or-reviewer', adminBypass: true },
  [Operation.ViewReviewQueue]: { audience: ['MENTOR', 'ADMIN'], relation: 'any', adminBypass: false },
  // Admins review too, under the same conflict-of-interest rule: no bypass.
  [Operation.ClaimReview]: { audience: ['MENTOR', 'ADMIN'], relation: 'reviewer', adminBypass: false },
  [Operation.ReleaseReview]: { audience: ['MENTOR', 'ADMIN'], relation: 'reviewer', adminBypass: false },
  [Operation.DecideReview]: { audience: ['MENTOR', 'ADMIN'], relation: 'reviewer', adminBypass: false },
  // The learner answers in the threads; a mentor comments while holding the claim.
  [Operation.CommentOnReview]: { audience: 'signed-in', relation: 'self-or-reviewer', adminBypass: false },
  // The replay of the code over time (mentors, through reviews, later).
  [Operation.ViewSessionPlayback]: { audience: 'signed-in', relation: 'self', adminBypass: true },
  // Leaderboard moderation: hiding a result from the boards (with a reason, audited), showing it
  // again, rebuilding the boards from the results.
  [Operation.HideResult]: { audience: ['ADMIN'], relation: 'any', adminBypass: false },
  [Operation.ShowResult]: { audience: ['ADMIN'], relation: 'any', adminBypass: false },
  [Operation.RecomputeLeaderboards]: { audience: ['ADMIN'], relation: 'any', adminBypass: false },
  // Progress: the journal is the learner's own (private unless they publish an entry); their
  // progress is theirs, their mentors' and admins'.
  [Operation.AddJournalEntry]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.EditJournalEntry]: { audience: 'signed-in', relation: 'self', adminBypass: false },
  [Operation.ViewJournal]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.SetVisibility]: { audience: 'signed-in', relation: 'self', adminBypass: false },
  [Operation.SetTimeZone]: { audience: 'signed-in', relation: 'any', adminBypass: false },
  [Operation.ViewLearnerProgress]: { audience: ['MENTOR', 'ADMIN'], relation: 'mentor-of', adminBypass: true },
};

/** What the object is, as far as the relation check needs: its owning user and/or team. */
export interface Target {
  userId?: string;
  teamId?: string | null;
  teamOwnerId?: string;
  /** The actor has claimed or decided a review of the target user's work (looked up by the service). */
  mentoredByActor?: boolean;
}

/**
 * Checks `actor` may perform `operation` on `target` by the POLICY table.
 * @returns the actor, now known to be signed in.
 * @throws DomainError UNAUTHENTICATED when nobody is signed in, FORBIDDEN otherwise.
 */
export function authorize(actor: Actor | null, operation: Operation, target: Target = {}): Actor {
  const rule = POLICY[operation];
  if (!actor) throw new DomainError(CommonErrorCode.Unauthenticated, `sign in to ${operation}`);
  if (rule.audience === 'session' && actor.via !== 'session') {
    throw new DomainError(CommonErrorCode.Forbidden, `${operation} needs a signed-in session; API tokens cannot do it`);
  }
  if (Array.isArray(rule.audience) && !rule.audience.includes(actor.role)) {
    throw new DomainError(CommonErrorCode.Forbidden, `${operation} is for ${rule.audience.join(' or ')} accounts`);
  }
  if (rule.adminBypass && actor.role === 'ADMIN') return actor;
  if (!relates(actor, rule.relation, target)) {
    throw new DomainError(CommonErrorCode.Forbidden, `${operation} is only for ${describeRelation(rule.relation)}`);
  }
  return actor;
}

function relates(actor: Actor, relation: Relation, target: Target): boolean {
  switch (relation) {
    case 'any':
      return true;
    case 'self':
      return target.userId !== undefined && target.userId === actor.userId;
    case 'team-member':
      return target.teamId !== undefined && target.teamId === actor.teamId;
    case 'team-owner':
      return target.teamOwnerId !== undefined && target.teamOwnerId === actor.userId;
    case 'reviewer':
      return isReviewer(actor, target);
    case 'self-or-reviewer':
      return relates(actor, 'self', target) || ((actor.role === 'MENTOR' || actor.role === 'ADMIN') && isReviewer(actor, target));
    case 'mentor-of':
      return target.mentoredByActor === true;
  }
}

/** Neither the owner nor in the owner's team (the target's teamId is the owner's team, if any). */
function isReviewer(actor: Actor, target: Target): boolean {
  if (target.userId === undefined || target.userId === actor.userId) return false;
  return target.teamId === undefined || target.teamId === null || target.teamId !== actor.teamId;
}

function describeRelation(relation: Relation): string {
  return {
    any: 'anyone',
    self: 'its owner',
    'team-member': 'members of the team',
    'team-owner': "the team's owner",
    reviewer: 'mentors outside its owner and their team',
    'self-or-reviewer': 'its owner and mentors outside their team',
    'mentor-of': "the learner's mentors",
  }[relation];
}
