import { BadRequestException } from '@nestjs/common';
import {
  ArtifactErrorCode,
  AuthErrorCode,
  CertificateErrorCode,
  CommonErrorCode,
  DomainError,
  SessionErrorCode,
  SubmissionErrorCode,
  TeamErrorCode,
} from '@app/domain';
import { describeError } from './describe-error';
import { publicErrorFor } from './public-error';

describe('describeError', () => {
  it('maps a domain error to its public code, keeping its message, reason and details', () => {
    const error = new DomainError(CommonErrorCode.RateLimited, 'too many failed logins; try again after 12:00Z', {
      retryAt: '2026-11-29T12:00:00Z',
    });
    expect(describeError(error, 'req-1')).toEqual({
      code: 'RATE_LIMITED',
      httpStatus: 429,
      message: 'too many failed logins; try again after 12:00Z',
      reason: 'RATE_LIMITED',
      details: { retryAt: '2026-11-29T12:00:00Z' },
      unexpected: false,
    });
  });

  it('answers SERVICE_UNAVAILABLE (503), not an internal error, when the database cannot be reached', () => {
    const refused = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), {
      code: 'P1001',
      meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
    });
    expect(describeError(refused, 'req-7')).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 503,
      message: 'the service cannot reach its database right now; try again shortly',
      unexpected: false,
    });
  });

  it('hides an unexpected error behind a generic message that quotes the request id', () => {
    const leaky = new Error(
      'duplicate key value violates unique constraint "User_email_key" at /work/main/libs/db/src/x.ts:12 SELECT * FROM "User"',
    );
    const described = describeError(leaky, 'req-42');
    expect(described).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      httpStatus: 500,
      message: 'Internal server error (request id req-42); it has been logged',
      unexpected: true,
    });
  });

  it("passes Nest's client errors through with their status", () => {
    expect(describeError(new BadRequestException(['first must be 1–100', 'after is malformed']), undefined)).toMatchObject({
      code: 'BAD_USER_INPUT',
      httpStatus: 400,
      message: 'first must be 1–100; after is malformed',
    });
  });

  it("passes Fastify's own 4xx errors (body too large) through", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(describeError(tooLarge, undefined)).toMatchObject({
      code: 'BAD_USER_INPUT',
      httpStatus: 413,
      message: 'Request body is too large',
    });
  });

  it('maps every common code to a distinct public code', () => {
    const mapped = Object.values(CommonErrorCode).map((code) => publicErrorFor(code).code);
    expect(new Set(mapped).size).toBe(mapped.length);
  });

  it('maps every client-caused code of every area to a 4xx public code', () => {
    const codes = [
      ...Object.values(AuthErrorCode),
      ...Object.values(TeamErrorCode),
      ...Object.values(SubmissionErrorCode),
      ...Object.values(ArtifactErrorCode),
      ...Object.values(CertificateErrorCode),
      ...Object.values(SessionErrorCode),
    ];
    // Corrupted stored bytes are the server's fault: 500 on purpose.
    const clientCaused = codes.filter((code) => code !== ArtifactErrorCode.Corrupted);
    const not4xx = clientCaused.filter((code) => publicErrorFor(code).httpStatus < 400 || publicErrorFor(code).httpStatus >= 500);
    expect(not4xx).toEqual([]);
    expect(publicErrorFor(ArtifactErrorCode.Corrupted).httpStatus).toBe(500);
  });
});
