import { describeError } from '../../errors/describe-error';
import { decodeCursor, encodeCursor } from './cursor';

const SHAPE = ['string', 'string'] as const;

function refusalOf(cursor: string) {
  try {
    decodeCursor(cursor, SHAPE);
  } catch (error) {
    return describeError(error, undefined);
  }
  throw new Error(`decodeCursor accepted ${cursor}`);
}

describe('cursors', () => {
  it('round-trip the sort key, as base64url (safe in URLs and JSON)', () => {
    const cursor = encodeCursor(['2026-11-29T12:00:00.000Z', 'b7c1…/+=']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const [createdAt, id] = decodeCursor(cursor, SHAPE);
    expect([createdAt, id]).toEqual(['2026-11-29T12:00:00.000Z', 'b7c1…/+=']);
    expect(decodeCursor(encodeCursor([42, 'x']), ['number', 'string'] as const)).toEqual([42, 'x']);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['not a tuple', Buffer.from('{"id":"1"}').toString('base64url')],
    ['too short', encodeCursor(['2026-11-29T12:00:00.000Z'])],
    ['too long a tuple', encodeCursor(['a', 'b', 'c'])],
    ['wrong types', encodeCursor(['a', 7])],
    ['truncated', encodeCursor(['2026-11-29T12:00:00.000Z', 'id']).slice(0, -3)],
    ['huge', 'A'.repeat(10_000)],
  ])('refuses a cursor that is %s with BAD_USER_INPUT / INVALID_CURSOR', (_case, cursor) => {
    expect(refusalOf(cursor)).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_CURSOR',
      message: 'after is not a cursor from this list; pass an endCursor or edge cursor exactly as received',
    });
  });
});
