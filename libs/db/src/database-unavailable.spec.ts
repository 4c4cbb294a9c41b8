import { isDatabaseUnavailable } from './database-unavailable';

describe('isDatabaseUnavailable', () => {
  // Shapes as Prisma 7 over @prisma/adapter-pg and `pg` throw them (seen against a closed port and a stopped server).
  const adapterError = (cause: Record<string, unknown>, code = 'P2010') =>
    Object.assign(new Error('Invalid `prisma.$queryRaw()` invocation'), {
      code,
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
    });

  it.each([
    ['Prisma P1001, the server cannot be reached', adapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 }, 'P1001')],
    ['a raw query whose connection was refused', adapterError({ kind: 'DatabaseNotReachable' })],
    ['a connection closed mid-query', adapterError({ kind: 'ConnectionClosed' })],
    ['the server shutting down (57P01)', adapterError({ kind: 'postgres', originalCode: '57P01' })],
    ['the server starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['a socket refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: the pool timed out connecting', new Error('timeout exceeded when trying to connect')],
    ['a wrapped cause', new Error('scoring failed', { cause: new Error('Connection terminated unexpectedly') })],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', adapterError({ kind: 'UniqueConstraintViolation' }, 'P2002')],
    ['a syntax error', Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
