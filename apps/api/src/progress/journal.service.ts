import { Injectable } from '@nestjs/common';
import {
  AuditRepository,
  JournalRepository,
  PublicItemRepository,
  sqlExecutorFor,
  TransactionRunner,
  UserRepository,
  type JournalEntryRecord,
  type UserRecord,
} from '@app/db';
import {
  CommonErrorCode,
  dailyStreak,
  DomainError,
  isTimeZone,
  isUuid,
  JOURNAL_EDIT_WINDOW_MS,
  journalEditable,
  localDateIn,
  Operation,
  PaginationError,
  PaginationErrorCode,
  ProgressError,
  ProgressErrorCode,
  validateJournalEntry,
  type JournalEntryInput,
  type Streak,
} from '@app/domain';
import { EventBus, progressEvent } from '@app/events';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { Clock } from '../clock/clock';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';

/**
 * The learning journal (docs/progress.md): short entries a learner writes for themself, editable
 * for 24 hours and then kept as written, each counted on the learner's calendar day in the time
 * zone they had chosen when writing it (the daily journal streak).
 */
@Injectable()
export class JournalService {
  constructor(
    private readonly journal: JournalRepository,
    private readonly publicItems: PublicItemRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  /**
   * Writes an entry on the caller's current day in their time zone.
   * @throws UNAUTHENTICATED, JOURNAL_ENTRY_TOO_LARGE, JOURNAL_ENTRY_INVALID
   */
  async add(caller: Caller, input: JournalEntryInput): Promise<JournalEntryRecord> {
    const actor = this.authorization.authorize(caller, Operation.AddJournalEntry);
    const entry = validateJournalEntry(input);
    const now = this.clock.now();
    return this.transactions.run(async (tx) => {
      const timeZone = (await this.users.timeZoneOf(actor.userId, tx)) ?? 'UTC';
      const added = await this.journal.add(actor.userId, entry, now, localDateIn(timeZone, now), timeZone, tx);
      // Who wrote what when, never the text itself: the journal is private.
      await this.audit.record(
        {
          actorId: actor.userId,
          action: 'journal.added',
          objectType: 'JournalEntry',
          objectId: added.id,
          details: { localDate: added.localDate },
        },
        tx,
      );
      // A new entry can move the journal streak (progressUpdated).
      await this.events.publish(progressEvent(actor.userId), sqlExecutorFor(tx));
      return added;
    });
  }

  /**
   * Rewrites the caller's own entry within 24 hours of writing it (its day stays the same).
   * @throws UNAUTHENTICATED, NOT_FOUND, FORBIDDEN (another learner's entry), JOURNAL_EDIT_CLOSED,
   * JOURNAL_ENTRY_TOO_LARGE, JOURNAL_ENTRY_INVALID
   */
  async edit(caller: Caller, id: string, input: JournalEntryInput): Promise<JournalEntryRecord> {
    this.authorization.signedIn(caller);
    const existing = isUuid(id) ? await this.journal.findById(id) : null;
    if (!existing) throw new DomainError(CommonErrorCode.NotFound, `no journal entry ${id}`);
    const actor = this.authorization.authorize(caller, Operation.EditJournalEntry, { userId: existing.userId });
    const now = this.clock.now();
    if (!journalEditable(existing.createdAt, now)) throw editClosed(existing);
    const entry = validateJournalEntry(input);
    return this.transactions.run(async (tx) => {
      // Conditional on the window, so an edit racing its end cannot slip in.
      const updated = await this.journal.update(existing.id, entry, now, new Date(now.getTime() - JOURNAL_EDIT_WINDOW_MS), tx);
      if (!updated) throw editClosed(existing);
      await this.audit.record({ actorId: actor.userId, action: 'journal.edited', objectType: 'JournalEntry', objectId: updated.id }, tx);
      return updated;
    });
  }

  /** The caller's own entries, newest first. @throws UNAUTHENTICATED, INVALID_CURSOR */
  async list(caller: Caller, first: number, after: string | null | undefined): Promise<ConnectionShape<JournalEntryRecord>> {
    const actor = this.authorization.authorize(caller, Operation.ViewJournal);
    const position = after ? decodeCursor(after, ['string', 'string'] as const) : undefined;
    const createdAt = position ? new Date(position[0]) : undefined;
    if (position && (Number.isNaN(createdAt!.getTime()) || !isUuid(position[1]))) {
      throw new PaginationError(
        PaginationErrorCode.InvalidCursor,
        'after is not a cursor from this list; pass an endCursor exactly as received',
      );
    }
    const rows = await this.journal.page(actor.userId, takeFor(first), position && { createdAt: createdAt!, id: position[1] });
    return connectionFromRows(rows, first, (row) => [row.createdAt.toISOString(), row.id]);
  }

  /** Whether the learner has published the entry on their portfolio (entries are private by default). */
  isPublic(entry: { id: string }): Promise<boolean> {
    return this.publicItems.isPublic('JOURNAL_ENTRY', entry.id);
  }

  /**
   * Sets the IANA time zone the caller's days are counted in. Entries already written keep their
   * day; only entries written from now on, and the streak's "today", use the new zone.
   * @throws UNAUTHENTICATED, TIME_ZONE_INVALID
   */
  async setTimeZone(caller: Caller, timeZone: string): Promise<UserRecord> {
    const actor = this.authorization.authorize(caller, Operation.SetTimeZone);
    if (!isTimeZone(timeZone)) {
      throw new ProgressError(
        ProgressErrorCode.TimeZoneInvalid,
        `"${timeZone.slice(0, 64)}" is not a time zone; use an IANA name such as Europe/Berlin, Asia/Tokyo or UTC`,
      );
    }
    // The runtime's spelling ("asia/tokyo" → "Asia/Tokyo"), so the stored name reads as clients expect.
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
    return this.transactions.run(async (tx) => {
      const previous = await this.users.timeZoneOf(actor.userId, tx);
      if (previous === null) throw new DomainError(CommonErrorCode.NotFound, 'your account no longer exists');
      if (previous !== canonical) {
        await this.users.setTimeZone(actor.userId, canonical, tx);
        await this.audit.record(
          {
            actorId: actor.userId,
            action: 'user.time-zone-changed',
            objectType: 'User',
            objectId: actor.userId,
            details: { from: previous, to: canonical },
          },
          tx,
        );
      }
      return (await this.users.findById(actor.userId, tx))!;
    });
  }

  /** The time zone an entry was written in: to its learner only (a public entry does not show it). */
  entryTimeZoneVisibleTo(caller: Caller, entry: { userId: string; timeZone: string }): string | null {
    return caller.actor?.userId === entry.userId ? entry.timeZone : null;
  }

  /** The user's time zone, to the user and admins (null to anyone else). */
  async timeZoneVisibleTo(caller: Caller, user: { id: string }): Promise<string | null> {
    const actor = caller.actor;
    if (!actor || (actor.userId !== user.id && actor.role !== 'ADMIN')) return null;
    return this.users.timeZoneOf(user.id);
  }

  /**
   * The learner's daily journal streak at `now`: consecutive days with an entry, each entry on the
   * day it was written (in the zone it was written in), "today" in the learner's current zone. The
   * current run holds until the learner's today is over. No authorization: callers check who may see it.
   */
  async journalStreak(userId: string, now: Date = this.clock.now()): Promise<Streak> {
    const [dates, timeZone] = await Promise.all([this.journal.localDates(userId), this.users.timeZoneOf(userId)]);
    return dailyStreak(dates, now, timeZone ?? 'UTC');
  }
}

function editClosed(entry: JournalEntryRecord): ProgressError {
  const editableUntil = new Date(entry.createdAt.getTime() + JOURNAL_EDIT_WINDOW_MS).toISOString();
  return new ProgressError(
    ProgressErrorCode.JournalEditClosed,
    `this entry was written more than 24 hours ago (editable until ${editableUntil}) and is kept as written; add a new entry instead`,
    { editableUntil },
  );
}
