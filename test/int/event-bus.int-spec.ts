import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { PrismaService, sqlExecutorFor, TransactionRunner } from '@app/db';
import { EVENTS_CHANNEL, EventBus, type BusMessage, type EventSubscription, type SqlExecutor, type SubmissionEvent } from '@app/events';
import { adminQuery, createTestDatabase, databaseUrl, testClusterUrl, type TestDatabase } from '@app/testing';

/** Two buses on one database stand for two processes (an api replica and a scorer). */
describe('event bus over LISTEN/NOTIFY', () => {
  let database: TestDatabase;
  let publisher: EventBus; // "process A"
  let subscriber: EventBus; // "process B"
  let raw: Client;
  const warnings: string[] = [];
  const logger = { log: () => undefined, warn: (message: string) => void warnings.push(message) };
  let sequence = 0;

  const event = (overrides: Partial<SubmissionEvent> = {}): SubmissionEvent => ({
    topic: 'submission',
    submissionId: `submission-${++sequence}`,
    userId: 'user-1',
    status: 'RUNNING',
    phase: 'parity',
    progress: 0.5,
    at: new Date().toISOString(),
    ...overrides,
  });
  const executorOver = (client: Client): SqlExecutor => ({
    executeSql: async (text, values) => ({ rows: (await client.query(text, values)).rows }),
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    publisher = new EventBus(database.url, { logger, applicationName: 'events-test-a' });
    subscriber = new EventBus(database.url, { logger, applicationName: 'events-test-b', reconnectDelayMs: 20, maxReconnectDelayMs: 200 });
    await subscriber.start();
    raw = new Client({ connectionString: database.url });
    raw.on('error', () => undefined);
    await raw.connect();
  });

  afterAll(async () => {
    await raw?.end();
    await publisher?.stop();
    await subscriber?.stop();
    await database?.drop();
  });

  it('delivers an event published by one process to a subscriber of another, through its filter', async () => {
    const mine = subscriber.subscribe((e): e is SubmissionEvent => e.topic === 'submission' && e.userId === 'user-1');
    const other = event({ userId: 'user-2' });
    const wanted = event({ status: 'SCORED', phase: null, progress: 1 });
    await publisher.publish(other);
    await publisher.publish(wanted);

    // The other user's event was sent first; the first thing this subscriber sees is its own.
    expect(await within(mine.next())).toEqual({ value: wanted, done: false });
    await mine.return();
  });

  it('sends nothing for a transaction that rolls back, and sends at commit for one that commits', async () => {
    const seen = subscriber.subscribe(() => true);
    const rolledBack = event();
    const committed = event();

    await raw.query('BEGIN');
    await publisher.publish(rolledBack, executorOver(raw));
    await raw.query('ROLLBACK');

    await raw.query('BEGIN');
    await publisher.publish(committed, executorOver(raw));
    // Published outside the transaction while it is still open: it overtakes the uncommitted event.
    const marker = event();
    await publisher.publish(marker);
    expect(await within(seen.next())).toEqual({ value: marker, done: false });
    await raw.query('COMMIT');

    expect(await within(seen.next())).toEqual({ value: committed, done: false });
    const after = event();
    await publisher.publish(after);
    expect(await within(seen.next())).toEqual({ value: after, done: false }); // the rolled-back event never came
    await seen.return();
  });

  it('publishes inside a Prisma transaction through sqlExecutorFor: delivered on commit, never on rollback', async () => {
    const prisma = new PrismaService(database.url, loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url }));
    const transactions = new TransactionRunner(prisma);
    const seen = subscriber.subscribe(() => true);
    try {
      const rolledBack = event();
      await expect(
        transactions.run(async (tx) => {
          await publisher.publish(rolledBack, sqlExecutorFor(tx));
          throw new Error('the change fails');
        }),
      ).rejects.toThrow('the change fails');
      const committed = event();
      await transactions.run((tx) => publisher.publish(committed, sqlExecutorFor(tx)));
      expect(await within(seen.next())).toEqual({ value: committed, done: false });
    } finally {
      await seen.return();
      await prisma.$disconnect();
    }
  });

  it('drops and logs malformed payloads and keeps delivering', async () => {
    const seen = subscriber.subscribe(() => true);
    const malformedBefore = subscriber.stats.malformed;
    const payloads = [
      'not json',
      JSON.stringify({ topic: 'submission', submissionId: 'x' }),
      JSON.stringify({ ...event(), progress: 7 }),
      JSON.stringify({ topic: 'no-such-topic' }),
      '',
    ];
    for (const payload of payloads) await raw.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payload]);
    const valid = event();
    await publisher.publish(valid);

    expect(await within(seen.next())).toEqual({ value: valid, done: false });
    expect(subscriber.stats.malformed - malformedBefore).toBe(payloads.length);
    expect(warnings.filter((warning) => warning.startsWith('dropped a malformed event'))).toHaveLength(payloads.length);
    await seen.return();
  });

  it('refuses to publish an invalid event', async () => {
    await expect(publisher.publish(event({ progress: 2 }))).rejects.toThrow(/invalid submission event: progress/);
    await expect(publisher.publish({ ...event(), status: 'DONE' } as unknown as SubmissionEvent)).rejects.toThrow(/status/);
  });

  it('reconnects after its backend is terminated, signals the reconnection, and delivers later events', async () => {
    const signals: BusMessage[] = [];
    const unsubscribe = subscriber.on((message) => message.topic === 'bus' && signals.push(message));
    const seen = subscriber.subscribe(() => true, { busSignals: true });
    const reconnectsBefore = subscriber.stats.reconnects;

    const backends = await raw.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'events-test-b'`,
    );
    expect(backends.rows).toHaveLength(1);
    await raw.query('SELECT pg_terminate_backend($1)', [backends.rows[0]!.pid]);

    expect(await within(seen.next())).toEqual({ value: expect.objectContaining({ topic: 'bus', state: 'reconnected' }), done: false });
    expect(signals).toEqual([expect.objectContaining({ topic: 'bus', state: 'reconnected' })]);
    expect(subscriber.stats).toMatchObject({ listening: true, reconnects: reconnectsBefore + 1 });

    const later = event();
    await publisher.publish(later);
    expect(await within(seen.next())).toEqual({ value: later, done: false });
    const after = await raw.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'events-test-b'`,
    );
    expect(after.rows).toHaveLength(1); // still one listening connection, a new one
    expect(after.rows[0].pid).not.toBe(backends.rows[0]!.pid);
    unsubscribe();
    await seen.return();
  });

  it('keeps retrying while the database cannot be reached, then listens and signals', async () => {
    const name = `${database.name}_late`;
    const bus = new EventBus(databaseUrl(testClusterUrl(), name), { logger, reconnectDelayMs: 20, maxReconnectDelayMs: 100 });
    try {
      const reconnected = new Promise<void>((resolve) => bus.on((message) => message.topic === 'bus' && resolve()));
      await expect(bus.start()).rejects.toThrow(/does not exist/);
      expect(bus.stats.listening).toBe(false);

      await adminQuery(testClusterUrl(), `CREATE DATABASE "${name}"`);
      await within(reconnected);
      const seen = bus.subscribe(() => true);
      const first = event();
      await bus.publish(first);
      expect(await within(seen.next())).toEqual({ value: first, done: false });
    } finally {
      await bus.stop();
      await adminQuery(testClusterUrl(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('unsubscribes on return(), and on abort', async () => {
    const before = subscriber.stats.subscribers;
    const first = subscriber.subscribe(() => true);
    const controller = new AbortController();
    const second = subscriber.subscribe(() => true, { signal: controller.signal });
    expect(subscriber.stats.subscribers).toBe(before + 2);

    const pending = second.next();
    expect(await first.return()).toEqual({ value: undefined, done: true });
    controller.abort();
    expect(await within(pending)).toEqual({ value: undefined, done: true });
    expect(subscriber.stats.subscribers).toBe(before);

    await publisher.publish(event());
    expect(await first.next()).toEqual({ value: undefined, done: true });
    expect(await second.next()).toEqual({ value: undefined, done: true });
    const alreadyAborted = subscriber.subscribe(() => true, { signal: AbortSignal.abort() });
    expect(await alreadyAborted.next()).toEqual({ value: undefined, done: true });
    expect(subscriber.stats.subscribers).toBe(before);
  });

  it('keeps the newest events when a slow subscriber overflows its buffer, and counts the drops', async () => {
    const small = new EventBus(database.url, { logger, bufferSize: 3 });
    try {
      await small.start();
      const slow = small.subscribe(() => true);
      const sent = Array.from({ length: 5 }, () => event());
      const lastArrived = arrivalOf(small, sent.at(-1)!.submissionId);
      for (const e of sent) await publisher.publish(e);
      await within(lastArrived);

      expect(slow.dropped).toBe(2);
      expect(small.stats.dropped).toBe(2);
      expect(await drain(slow, 3)).toEqual(sent.slice(2));
    } finally {
      await small.stop();
    }
  });

  it('stop() ends open iterators, refuses its own publishing, and leaves transactional publishing working', async () => {
    const bus = new EventBus(database.url, { logger });
    await bus.start();
    const reading = bus.subscribe(() => true);
    const idle = bus.subscribe(() => true);
    const pending = reading.next();

    await bus.stop();
    expect(await within(pending)).toEqual({ value: undefined, done: true });
    expect(await idle.next()).toEqual({ value: undefined, done: true });
    expect(bus.stats).toMatchObject({ listening: false, subscribers: 0 });
    await expect(bus.publish(event())).rejects.toThrow('event bus is stopped');
    await expect(bus.start()).rejects.toThrow('event bus is stopped');
    expect(await bus.subscribe(() => true).next()).toEqual({ value: undefined, done: true });

    const seen = subscriber.subscribe(() => true);
    const late = event();
    await raw.query('BEGIN');
    await bus.publish(late, executorOver(raw));
    await raw.query('COMMIT');
    expect(await within(seen.next())).toEqual({ value: late, done: false });
    await seen.return();
  });
});

/** Fails the test after `ms` instead of hanging until Jest's timeout. */
async function within<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing arrived within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when `bus` has dispatched the submission event with this id (to every subscriber). */
function arrivalOf(bus: EventBus, submissionId: string): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = bus.on((message) => {
      if (message.topic === 'submission' && message.submissionId === submissionId) {
        unsubscribe();
        resolve();
      }
    });
  });
}

async function drain<T>(iterator: EventSubscription<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  for (let i = 0; i < count; i++) {
    const result = await within(iterator.next());
    if (result.done) break;
    values.push(result.value);
  }
  return values;
}
