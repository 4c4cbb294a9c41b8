import { Logger, type LoggerService } from '@nestjs/common';
import { Client, Pool, type Notification } from 'pg';
import {
  EVENTS_CHANNEL,
  MAX_PAYLOAD_BYTES,
  parseEventPayload,
  platformEventSchema,
  type BusMessage,
  type BusSignal,
  type PlatformEvent,
} from './events';

/**
 * What publishing inside a transaction needs of it (the shape `sqlExecutorFor(tx)` from @app/db
 * returns, as for the scoring queue): PostgreSQL holds a NOTIFY sent in a transaction until the
 * transaction commits, and discards it on rollback.
 */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface EventBusOptions {
  /** Undelivered events kept per subscriber; beyond it the oldest is dropped (and counted). Default 1,000. */
  bufferSize?: number;
  /** Wait before the first reconnection attempt, doubled after each failure up to `maxReconnectDelayMs`. Default 100 ms. */
  reconnectDelayMs?: number;
  /** Default 5,000 ms. */
  maxReconnectDelayMs?: number;
  /** How often the listening connection is checked with `SELECT 1` (finds connections that died silently); 0 turns it off. Default 30 s. */
  healthCheckMs?: number;
  /** `application_name` of the listening connection, as shown in `pg_stat_activity`. Default `proving-events`. */
  applicationName?: string;
  logger?: Pick<LoggerService, 'log' | 'warn'>;
}

export interface SubscribeOptions {
  /** Aborting it ends the iterator, as `return()` does. */
  signal?: AbortSignal;
  /** Also yield the bus's own `{ topic: 'bus', state: 'reconnected' }` signal (the filter does not see it). */
  busSignals?: boolean;
}

/** Decides which events a subscriber gets; a type guard narrows what the iterator yields. */
export type EventFilter<T extends PlatformEvent = PlatformEvent> =
  ((event: PlatformEvent) => event is T) | ((event: PlatformEvent) => boolean);

/** An async iterator of events (what a GraphQL subscription resolver returns). `return()` unsubscribes. */
export interface EventSubscription<T> extends AsyncIterableIterator<T> {
  /** Events this subscriber lost because its buffer was full (it read too slowly). */
  readonly dropped: number;
  return(): Promise<IteratorResult<T, undefined>>;
}

export interface EventBusStats {
  listening: boolean;
  subscribers: number;
  /** Events dropped from subscriber buffers, all subscribers together. */
  dropped: number;
  /** Payloads on the channel that were not a valid event (ignored). */
  malformed: number;
  /** Times the listening connection came back after being lost. */
  reconnects: number;
}

/** Sent through the caller's transaction or the bus's pool; `SELECT … FROM` keeps the row free of pg_notify's `void` type. */
const NOTIFY_SQL = 'SELECT 1 AS notified FROM pg_notify($1, $2)';
const STOP_TIMEOUT_MS = 5_000;

interface Subscriber {
  deliver(message: BusMessage): void;
  end(): void;
}

/**
 * Typed publish/subscribe across processes over PostgreSQL LISTEN/NOTIFY on one channel
 * (`proving_events`). Each bus holds one dedicated connection that LISTENs, shared by all its
 * subscribers, opened on the first subscription (or by `start()`), and re-opened with backoff when
 * it drops; subscribers then get a `reconnected` signal and should re-read what they follow, because
 * events sent while it was down are lost (delivery is at most once). Publishing needs no listener.
 */
export class EventBus {
  private readonly logger: Pick<LoggerService, 'log' | 'warn'>;
  private readonly bufferSize: number;
  private readonly reconnectDelayMs: number;
  private readonly maxReconnectDelayMs: number;
  private readonly healthCheckMs: number;
  private readonly applicationName: string;

  private readonly subscribers = new Set<Subscriber>();
  private readonly waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private pool: Pool | undefined;
  private listener: Client | undefined;
  private listening = false;
  private started = false;
  private stopping: Promise<void> | undefined;
  /** A connection was lost (or an attempt failed) since the bus last listened: the next success is a reconnection. */
  private missedSomething = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly counters = { dropped: 0, malformed: 0, reconnects: 0 };

  constructor(
    private readonly databaseUrl: string,
    options: EventBusOptions = {},
  ) {
    this.logger = options.logger ?? new Logger('Events');
    this.bufferSize = Math.max(1, options.bufferSize ?? 1_000);
    this.reconnectDelayMs = options.reconnectDelayMs ?? 100;
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? 5_000;
    this.healthCheckMs = options.healthCheckMs ?? 30_000;
    this.applicationName = options.applicationName ?? 'proving-events';
  }

  /**
   * Sends `event` to every subscriber of every process on this database. With `db` (an open
   * transaction's executor) PostgreSQL delivers it when that transaction commits, and never if it
   * rolls back; without, at once through the bus's own pool. `null` (a builder's "nothing
   * changed", as `leaderboardEvent` says it) sends nothing.
   * @throws Error when the event is invalid or its payload reaches NOTIFY's 8000-byte limit.
   */
  async publish(event: PlatformEvent | null, db?: SqlExecutor): Promise<void> {
    if (event === null) return;
    const payload = serialize(event);
    // Through a caller's transaction the bus's own connections are not involved, so even a bus that
    // is shutting down lets that transaction commit.
    if (db) {
      await db.executeSql(NOTIFY_SQL, [EVENTS_CHANNEL, payload]);
      return;
    }
    if (this.stopping) throw new Error('event bus is stopped');
    await this.publisher().query(NOTIFY_SQL, [EVENTS_CHANNEL, payload]);
  }

  /**
   * Events that pass `filter`, from now on, as an async iterator with a bounded buffer (the oldest
   * is dropped when a slow reader falls `bufferSize` behind). Starts the listener if needed; await
   * `start()` first when the events must not be missed, e.g. before reading the state they update.
   */
  subscribe<T extends PlatformEvent = PlatformEvent>(
    filter: EventFilter<T>,
    options?: SubscribeOptions & { busSignals?: false },
  ): EventSubscription<T>;
  subscribe<T extends PlatformEvent = PlatformEvent>(
    filter: EventFilter<T>,
    options: SubscribeOptions & { busSignals: true },
  ): EventSubscription<T | BusSignal>;
  subscribe(filter: EventFilter, options: SubscribeOptions = {}): EventSubscription<BusMessage> {
    const { signal, busSignals = false } = options;
    const subscriber: Subscriber = {
      deliver: (message) => {
        if (message.topic === 'bus') {
          if (busSignals) subscription.push(message);
          return;
        }
        if (this.accepts(filter, message)) subscription.push(message);
      },
      end: () => void subscription.return(),
    };
    const onAbort = () => subscription.return();
    const subscription = new BufferedSubscription<BusMessage>(
      this.bufferSize,
      () => {
        this.subscribers.delete(subscriber);
        signal?.removeEventListener('abort', onAbort);
      },
      (dropped) => {
        this.counters.dropped += 1;
        if (dropped === 1 || dropped % 1_000 === 0)
          this.logger.warn(`a subscriber reads too slowly: ${dropped} events dropped from its buffer`);
      },
    );
    if (this.stopping || signal?.aborted) {
      void subscription.return();
      return subscription;
    }
    this.subscribers.add(subscriber);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.ensureListening();
    return subscription;
  }

  /**
   * Calls `listener` with every event and bus signal, synchronously as it arrives (keep it quick).
   * @returns the function that unsubscribes.
   */
  on(listener: (message: BusMessage) => void): () => void {
    if (this.stopping) return () => undefined;
    const subscriber: Subscriber = {
      deliver: (message) => {
        try {
          listener(message);
        } catch (error) {
          this.logger.warn(`an event listener threw: ${describe(error)}`);
        }
      },
      end: () => this.subscribers.delete(subscriber),
    };
    this.subscribers.add(subscriber);
    this.ensureListening();
    return () => void this.subscribers.delete(subscriber);
  }

  /**
   * Resolves when the bus is listening (at once if it already is). Rejects when the connection
   * attempt under way fails; the bus keeps retrying in the background until `stop()`.
   */
  start(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('event bus is stopped'));
    if (this.listening) return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.ensureListening();
    return ready;
  }

  /** Ends every subscription and closes the connections. Publishing through a caller's transaction still works. */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  get stats(): EventBusStats {
    return { listening: this.listening, subscribers: this.subscribers.size, ...this.counters };
  }

  private async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.stopHealthCheck();
    for (const subscriber of [...this.subscribers]) subscriber.end();
    this.subscribers.clear();
    this.settleWaiters(new Error('event bus is stopped'));
    const listener = this.listener;
    const pool = this.pool;
    this.listener = undefined;
    this.pool = undefined;
    this.listening = false;
    listener?.removeAllListeners('notification');
    const closed = Promise.allSettled([listener?.end(), pool?.end()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
  }

  private accepts(filter: EventFilter, event: PlatformEvent): boolean {
    try {
      return filter(event);
    } catch (error) {
      this.logger.warn(`a subscription filter threw on a ${event.topic} event: ${describe(error)}`);
      return false;
    }
  }

  private publisher(): Pool {
    if (!this.pool) {
      this.pool = new Pool({ connectionString: this.databaseUrl, max: 2, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 5_000 });
      // An idle connection killed by the server (restart, 57P01) would otherwise crash the process.
      this.pool.on('error', (error) => this.logger.warn(`idle publishing connection lost: ${error.message}`));
    }
    return this.pool;
  }

  private ensureListening(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.stopping) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      application_name: this.applicationName,
    });
    this.listener = client;
    client.on('error', (error) => this.connectionLost(client, error));
    client.on('end', () => this.connectionLost(client, new Error('connection ended')));
    client.on('notification', (notification) => this.receive(notification));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      this.connectionLost(client, error);
      return;
    }
    if (this.listener !== client) return; // lost or stopped while connecting: already handled
    this.listening = true;
    this.failures = 0;
    this.startHealthCheck(client);
    this.settleWaiters();
    if (this.missedSomething) {
      this.missedSomething = false;
      this.counters.reconnects += 1;
      this.logger.log('listening again after losing the connection; subscribers re-read what they follow');
      this.dispatch({ topic: 'bus', state: 'reconnected', at: new Date().toISOString() });
    }
  }

  /** Idempotent per client: 'error', 'end' and a failed connect may all report the same loss. */
  private connectionLost(client: Client, error: unknown): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    const wasListening = this.listening;
    this.listening = false;
    this.stopHealthCheck();
    client.removeAllListeners('notification');
    // The 'error' handler stays attached: a late error on a dead client must not crash the process.
    void client.end().catch(() => undefined);
    if (this.stopping) return;
    this.missedSomething = true;
    const delay = this.nextDelay();
    this.logger.warn(
      `${wasListening ? 'listening connection lost' : 'cannot listen for events'} (${describe(error)}); reconnecting in ${delay} ms`,
    );
    this.settleWaiters(error instanceof Error ? error : new Error(describe(error)));
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /** Exponential backoff with jitter, so replicas do not reconnect in lockstep after a restart. */
  private nextDelay(): number {
    const ceiling = Math.min(this.maxReconnectDelayMs, this.reconnectDelayMs * 2 ** this.failures);
    this.failures += 1;
    return Math.round(ceiling * (0.5 + Math.random() / 2));
  }

  private startHealthCheck(client: Client): void {
    if (this.healthCheckMs <= 0) return;
    this.healthTimer = setInterval(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('health check timed out')), Math.min(this.healthCheckMs, 10_000));
      });
      Promise.race([client.query('SELECT 1'), timeout])
        .catch((error: unknown) => this.connectionLost(client, error))
        .finally(() => clearTimeout(timer));
    }, this.healthCheckMs);
    this.healthTimer.unref();
  }

  private stopHealthCheck(): void {
    clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  private settleWaiters(error?: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  private receive(notification: Notification): void {
    if (notification.channel !== EVENTS_CHANNEL) return;
    const parsed = parseEventPayload(notification.payload);
    if (!parsed.ok) {
      this.counters.malformed += 1;
      this.logger.warn(`dropped a malformed event of ${notification.payload?.length ?? 0} characters: ${parsed.reason}`);
      return;
    }
    this.dispatch(parsed.event);
  }

  private dispatch(message: BusMessage): void {
    for (const subscriber of [...this.subscribers]) subscriber.deliver(message);
  }
}

function serialize(event: PlatformEvent): string {
  const parsed = platformEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid ${String((event as { topic?: unknown }).topic)} event: ${issue.path.join('.') || 'event'}: ${issue.message}`);
  }
  const payload = JSON.stringify(parsed.data);
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new Error(`${event.topic} event is ${bytes} bytes; NOTIFY takes at most ${MAX_PAYLOAD_BYTES}: send ids and re-read rows instead`);
  }
  return payload;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A single-consumer queue that a producer pushes into and an async iterator drains. */
class BufferedSubscription<T> implements EventSubscription<T> {
  private readonly buffer: T[] = [];
  private readonly readers: Array<(result: IteratorResult<T, undefined>) => void> = [];
  private ended = false;
  dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly detach: () => void,
    private readonly onDrop: (dropped: number) => void,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const reader = this.readers.shift();
    if (reader) {
      reader({ value: item, done: false });
      return;
    }
    if (this.buffer.length >= this.capacity) {
      this.buffer.shift();
      this.dropped += 1;
      this.onDrop(this.dropped);
    }
    this.buffer.push(item);
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.readers.push(resolve));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    if (!this.ended) {
      this.ended = true;
      this.buffer.length = 0;
      this.detach();
      for (const reader of this.readers.splice(0)) reader({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
