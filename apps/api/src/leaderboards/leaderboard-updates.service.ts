import { EventEmitter, on } from 'node:events';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { LeaderboardRepository } from '@app/db';
import { periodKey } from '@app/domain';
import { EventBus, type EventSubscription, type LeaderboardEvent, type BusMessage } from '@app/events';
import { LeaderboardsService, type BoardArgs, type ResolvedBoard, type StandingRow } from './leaderboards.service';

/** At most one event per board per second (per API process), whatever the rate of results. */
export const LEADERBOARD_THROTTLE_MS = 1_000;

/** What `leaderboardChanged` sends. */
export interface LeaderboardChangeShape {
  scope: ResolvedBoard['key']['scope'];
  challengeSlug: string | null;
  period: ResolvedBoard['period'];
  deviceClass: string | null;
  /** The rows that changed, as they stand now (with their ranks). */
  entries: StandingRow[];
  /**
   * Handles (TEAM: slugs) of changed learners (teams) with no row on this board now: their row left
   * it (a hidden result, a team left), or their change was on another device class.
   */
  absent: string[];
  /** Too much changed to list (a recompute, a bus reconnection): read the board again. */
  reset: boolean;
  at: Date;
}

/**
 * One board's feed on this process: the bus events that concern it are merged, and the changed
 * rows are read and sent to every subscriber of the board at most once per LEADERBOARD_THROTTLE_MS
 * (the first change at once, later ones at the end of the window).
 */
class BoardFeed {
  readonly emitter = new EventEmitter();
  subscribers = 0;
  private readonly pendingIds = new Set<string>();
  private pendingReset = false;
  private lastSentAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private sending = false;
  private closed = false;
  private readonly events: EventSubscription<BusMessage>;

  constructor(
    private readonly board: ResolvedBoard,
    bus: EventBus,
    private readonly read: (board: ResolvedBoard, ids: string[]) => Promise<{ entries: StandingRow[]; absent: string[] }>,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
    this.events = bus.subscribe((event) => event.topic === 'leaderboard', { busSignals: true });
    void this.pump();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.events.return();
  }

  private async pump(): Promise<void> {
    for await (const message of this.events) {
      if (message.topic === 'bus') this.pendingReset = true;
      else if (message.topic === 'leaderboard' && !this.note(message)) continue;
      this.schedule();
    }
  }

  /** Adds what the event changed on this board. @returns false when it does not concern the board */
  private note(event: LeaderboardEvent): boolean {
    if (event.everything) {
      this.pendingReset = true;
      return true;
    }
    const { key } = this.board;
    const ids =
      key.scope === 'TEAM' ? event.teamIds : key.scope === 'GLOBAL' || event.challengeIds.includes(key.challengeId!) ? event.userIds : [];
    for (const id of ids) this.pendingIds.add(id);
    return ids.length > 0;
  }

  private schedule(): void {
    if (this.timer || this.sending || this.closed) return;
    const wait = Math.max(0, this.lastSentAt + LEADERBOARD_THROTTLE_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.send();
    }, wait);
  }

  /** Reads the pending rows and sends them; what arrives meanwhile waits for the next window. */
  private async send(): Promise<void> {
    if (this.pendingIds.size === 0 && !this.pendingReset) return;
    this.sending = true;
    const ids = [...this.pendingIds];
    const reset = this.pendingReset;
    this.pendingIds.clear();
    this.pendingReset = false;
    try {
      const now = new Date();
      const board = { ...this.board, key: { ...this.board.key, period: periodKey(this.board.period, now) } };
      const { entries, absent } = reset ? { entries: [], absent: [] } : await this.read(board, ids);
      const change: LeaderboardChangeShape = {
        scope: board.key.scope,
        challengeSlug: board.challengeSlug,
        period: board.period,
        deviceClass: board.key.scope === 'CHALLENGE' && board.key.deviceClass !== '*' ? board.key.deviceClass! : null,
        entries,
        absent,
        reset,
        at: now,
      };
      this.lastSentAt = performance.now();
      this.emitter.emit('change', change);
    } catch (error) {
      this.logger.warn(`leaderboardChanged: could not read the changed rows: ${String(error)}`);
    } finally {
      this.sending = false;
      if (this.pendingIds.size > 0 || this.pendingReset) this.schedule();
    }
  }
}

/**
 * `leaderboardChanged`: the rows of a board that changed, wherever the change was written (any
 * API replica or scorer; the event bus carries which learners and teams changed, this process
 * reads their rows). Throttled per board (LEADERBOARD_THROTTLE_MS), shared by the board's subscribers.
 */
@Injectable()
export class LeaderboardUpdatesService implements OnModuleDestroy {
  private readonly logger = new Logger(LeaderboardUpdatesService.name);
  private readonly feeds = new Map<string, BoardFeed>();

  constructor(
    private readonly leaderboards: LeaderboardsService,
    private readonly repository: LeaderboardRepository,
    private readonly bus: EventBus,
  ) {}

  /** @throws like the `leaderboard` query (NOT_FOUND, INVALID_INPUT) before anything is streamed */
  async watch(args: BoardArgs): Promise<AsyncIterableIterator<LeaderboardChangeShape>> {
    const board = await this.leaderboards.resolve(args);
    const name = JSON.stringify([board.key.scope, board.key.challengeId ?? null, board.key.deviceClass ?? null, board.period]);
    let feed = this.feeds.get(name);
    if (!feed) {
      feed = new BoardFeed(board, this.bus, (resolved, ids) => this.read(resolved, ids), this.logger);
      this.feeds.set(name, feed);
    }
    feed.subscribers += 1;
    await this.bus.start();
    return this.stream(name, feed);
  }

  onModuleDestroy(): void {
    for (const feed of this.feeds.values()) feed.close();
    this.feeds.clear();
  }

  private async *stream(name: string, feed: BoardFeed): AsyncGenerator<LeaderboardChangeShape> {
    const abort = new AbortController();
    try {
      for await (const [change] of on(feed.emitter, 'change', { signal: abort.signal })) {
        yield change as LeaderboardChangeShape;
      }
    } catch (error) {
      if ((error as { name?: string }).name !== 'AbortError') throw error;
    } finally {
      abort.abort();
      feed.subscribers -= 1;
      if (feed.subscribers === 0) {
        feed.close();
        this.feeds.delete(name);
      }
    }
  }

  private async read(board: ResolvedBoard, ids: string[]): Promise<{ entries: StandingRow[]; absent: string[] }> {
    const entries = await this.leaderboards.entries(board, ids);
    const present = new Set(entries.map((entry) => entry.id));
    const gone = ids.filter((id) => !present.has(id));
    const absent = gone.length ? await this.repository.handlesOf(board.key.scope === 'TEAM' ? 'team' : 'user', gone) : [];
    return { entries: entries.sort((a, b) => a.rank - b.rank), absent };
  }
}
