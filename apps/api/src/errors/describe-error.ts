import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from '@app/db';
import { CommonErrorCode, isDomainError } from '@app/domain';
import { publicErrorFor, publicErrorForStatus, type PublicErrorCode } from './public-error';

/** What a client may learn about an error: never a stack, SQL, a path or a secret. */
export interface ClientError {
  code: PublicErrorCode;
  httpStatus: number;
  message: string;
  /** The specific domain code (e.g. `RATE_LIMITED`, `SESSION_EXPIRED`), when there is one. */
  reason?: string;
  details?: Readonly<Record<string, string | number | boolean | null>>;
  /** True when the cause is a bug or an outage: log it with its stack. */
  unexpected: boolean;
}

export function describeError(error: unknown, requestId: string | undefined): ClientError {
  if (isDomainError(error)) {
    const mapped = publicErrorFor(error.code);
    return { ...mapped, message: error.message, reason: error.code, details: error.details, unexpected: false };
  }
  if (error instanceof HttpException) {
    const mapped = publicErrorForStatus(error.getStatus());
    if (mapped.code !== 'INTERNAL_SERVER_ERROR') return { ...mapped, message: httpExceptionMessage(error), unexpected: false };
  }
  if (isFastifyClientError(error)) {
    const mapped = publicErrorForStatus(error.statusCode);
    return { ...mapped, message: error.message, unexpected: false };
  }
  if (isDatabaseUnavailable(error)) {
    // An outage, not a bug: the same request may succeed shortly (the pools reconnect by themselves).
    const mapped = publicErrorFor(CommonErrorCode.Unavailable);
    return { ...mapped, message: 'the service cannot reach its database right now; try again shortly', unexpected: false };
  }
  const quote = requestId ? ` (request id ${requestId})` : '';
  return { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, message: `Internal server error${quote}; it has been logged`, unexpected: true };
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = (response as { message: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message);
  }
  return error.message;
}

/** Fastify's own 4xx errors (body too large, bad content type, malformed JSON) are safe to show. */
function isFastifyClientError(error: unknown): error is { statusCode: number; message: string; code: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof code === 'string' && code.startsWith('FST_');
}
