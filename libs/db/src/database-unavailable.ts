/**
 * Whether an error means the database cannot be reached right now (down, restarting, refusing
 * connections, a connection cut mid-query) rather than a fault of the request or a bug: such a
 * request may succeed if retried, and clients are told so (SERVICE_UNAVAILABLE) instead of
 * "internal error". Recognises what Prisma (through @prisma/adapter-pg) and `pg` throw.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    if (isUnavailableShape(current as ErrorShape)) return true;
    current = (current as ErrorShape).cause;
  }
  return false;
}

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: AdapterCause } };
}

interface AdapterCause {
  kind?: unknown;
  originalCode?: unknown;
}

/** Prisma's "can't reach", "timed out", "server closed the connection", "no connection from the pool in time". */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** @prisma/driver-adapter-utils kinds of a lost or refused connection. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** `pg`'s own messages for a connection that went away or never came (they carry no code). */
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/i;

function isUnavailableShape(error: ErrorShape): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || isUnavailableSqlState(code))) return true;
  const cause = error.meta?.driverAdapterError?.cause;
  if (cause && (ADAPTER_KINDS.has(String(cause.kind)) || isUnavailableSqlState(String(cause.originalCode)))) return true;
  return typeof error.message === 'string' && PG_MESSAGES.test(error.message);
}

/** SQLSTATE class 08 (connection exception), 57P01–57P03 (shutting down, crashed, starting up), 53300 (too many connections). */
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}
