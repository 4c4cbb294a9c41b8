import { Injectable } from '@nestjs/common';
import {
  AuditRepository,
  PortfolioRepository,
  PublicItemRepository,
  TransactionRunner,
  UserRepository,
  type PublicCertificateRecord,
  type PublicItemKindName,
} from '@app/db';
import { CommonErrorCode, DomainError, isUuid, Operation, ProgressError, ProgressErrorCode } from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import type { ChallengeKindEnum } from '../challenges/challenge.model';
import type { VerdictEnum } from '../submissions/submission.model';
import { renderBadge } from './badge-svg';
import { toJournalEntry, type JournalEntry } from './journal.model';
import type { Portfolio, PortfolioCertificate, PortfolioItemKindEnum, PortfolioReport } from './portfolio.model';
import type { Progress } from './progress.model';
import { ProgressService } from './progress.service';

/** Most items of one kind a portfolio lists (the newest); publishing more is allowed, older ones are not listed. */
export const PORTFOLIO_MAX_ITEMS = 100;

/** Audit object type of each kind of item (its `objectId` is the item id). */
const OBJECT_TYPE: Record<PublicItemKindName, string> = {
  CERTIFICATE: 'Certificate',
  REPORT: 'Submission',
  STREAKS: 'User',
  JOURNAL_ENTRY: 'JournalEntry',
};

/** An item as setVisibility sees it: whose it is, and why it may not be published (null when it may). */
interface ItemFacts {
  ownerId: string;
  notPublishable: string | null;
}

/**
 * The public portfolio (docs/decisions/portfolio-types.md): what a learner chose to show, read at
 * request time from `PublicItem` rows, so nothing private is listed and an item made private
 * again is gone from the next request on (no cache anywhere, badges included).
 */
@Injectable()
export class PortfolioService {
  constructor(
    private readonly portfolios: PortfolioRepository,
    private readonly publicItems: PublicItemRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
    private readonly progress: ProgressService,
  ) {}

  /**
   * Shows one of the caller's items on their portfolio (`isPublic`) or makes it private again;
   * idempotent (a change is audited once, as `portfolio.published` / `portfolio.unpublished`).
   * STREAKS takes no itemId: it is the caller's own (their user id is accepted too). Making an item
   * private is always allowed; making it public needs a portfolio item: an unrevoked certificate,
   * an approved DOCUMENT_RESULTS report.
   * @returns whether the item is public now
   * @throws UNAUTHENTICATED; INVALID_INPUT (no itemId where one is needed); NOT_FOUND (unknown or
   * malformed id); FORBIDDEN (another learner's item, said before anything else about it);
   * NOT_PUBLISHABLE
   */
  async setVisibility(
    caller: Caller,
    input: { itemKind: PortfolioItemKindEnum; itemId?: string | null; public: boolean },
  ): Promise<boolean> {
    const actor = this.authorization.signedIn(caller);
    const kind = input.itemKind as PublicItemKindName;
    const itemId = input.itemId ?? (kind === 'STREAKS' ? actor.userId : null);
    if (itemId === null) throw new DomainError(CommonErrorCode.InvalidInput, `itemId is needed to show or hide a ${kind}`);
    const id = itemId.toLowerCase();
    const item = isUuid(id) ? await this.facts(kind, id) : null;
    if (!item) throw new DomainError(CommonErrorCode.NotFound, `no ${kind} ${itemId.slice(0, 64)}`);
    this.authorization.authorize(caller, Operation.SetVisibility, { userId: item.ownerId });
    if (input.public && item.notPublishable !== null) throw new ProgressError(ProgressErrorCode.NotPublishable, item.notPublishable);
    await this.transactions.run(async (tx) => {
      // One change at a time per learner, so "was it public?" and its audit record stay exact.
      await this.portfolios.lockOwner(item.ownerId, tx);
      if ((await this.publicItems.isPublic(kind, id, tx)) === input.public) return;
      await this.publicItems.set(item.ownerId, kind, id, input.public, tx);
      await this.audit.record(
        {
          actorId: actor.userId,
          action: input.public ? 'portfolio.published' : 'portfolio.unpublished',
          objectType: OBJECT_TYPE[kind],
          objectId: id,
          details: { kind },
        },
        tx,
      );
    });
    return input.public;
  }

  /** The portfolio of `handle` (anyone may ask), or null when no learner has it. Its items resolve from it. */
  async portfolio(handle: string): Promise<Pick<Portfolio, 'handle' | 'userId'> | null> {
    const normalized = handle.trim().toLowerCase();
    if (normalized.length === 0 || normalized.length > 64) return null;
    const user = await this.users.findByHandle(normalized);
    return user ? { handle: user.handle, userId: user.id } : null;
  }

  /** The learner's public certificates (unrevoked), newest first. */
  async certificates(userId: string): Promise<PortfolioCertificate[]> {
    return (await this.portfolios.publicCertificates(userId, PORTFOLIO_MAX_ITEMS)).map(toPortfolioCertificate);
  }

  /** The learner's public approved reports, most recently approved first. */
  reports(userId: string): Promise<PortfolioReport[]> {
    return this.portfolios.publicReports(userId, PORTFOLIO_MAX_ITEMS);
  }

  /** The learner's progress and streaks when they made STREAKS public, else null. */
  async streaks(userId: string): Promise<Progress | null> {
    return (await this.publicItems.isPublic('STREAKS', userId)) ? this.progress.of(userId) : null;
  }

  /** The learner's public journal entries, newest first. */
  async journal(userId: string): Promise<JournalEntry[]> {
    return (await this.portfolios.publicJournalEntries(userId, PORTFOLIO_MAX_ITEMS)).map(toJournalEntry);
  }

  /**
   * The badge of certificate `id` (`GET /badges/:id.svg`), only while it is public on its owner's
   * portfolio and not revoked. @throws NOT_FOUND otherwise (never saying whether it exists)
   */
  async badge(id: string): Promise<string> {
    const certificate = isUuid(id) ? await this.portfolios.publicCertificate(id.toLowerCase()) : null;
    if (!certificate) throw new DomainError(CommonErrorCode.NotFound, `no public badge for certificate ${id.slice(0, 64)}`);
    return renderBadge(certificate);
  }

  private async facts(kind: PublicItemKindName, id: string): Promise<ItemFacts | null> {
    switch (kind) {
      case 'CERTIFICATE': {
        const certificate = await this.portfolios.certificateFacts(id);
        if (!certificate) return null;
        return {
          ownerId: certificate.ownerId,
          notPublishable: certificate.revoked ? `certificate ${id} was revoked; a revoked certificate cannot be shown` : null,
        };
      }
      case 'REPORT': {
        const report = await this.portfolios.reportFacts(id);
        if (!report) return null;
        const notPublishable =
          report.kind !== 'DOCUMENT_RESULTS' || !report.hasReport
            ? `submission ${id} is not a report; REPORT is for a DOCUMENT_RESULTS submission (show a model's result by its CERTIFICATE)`
            : !report.approved
              ? `report ${id} is not approved yet; a report can be shown once a mentor approved it`
              : null;
        return { ownerId: report.ownerId, notPublishable };
      }
      case 'STREAKS': {
        const user = await this.users.findById(id);
        return user ? { ownerId: user.id, notPublishable: null } : null;
      }
      case 'JOURNAL_ENTRY': {
        const ownerId = await this.portfolios.journalEntryOwner(id);
        return ownerId ? { ownerId, notPublishable: null } : null;
      }
    }
  }
}

function toPortfolioCertificate(certificate: PublicCertificateRecord): PortfolioCertificate {
  return {
    ...certificate,
    kind: certificate.kind as ChallengeKindEnum,
    verdict: certificate.verdict as VerdictEnum,
    badgeUrl: `/badges/${certificate.certificateId}.svg`,
    certificateUrl: `/certificates/${certificate.certificateId}`,
  };
}
