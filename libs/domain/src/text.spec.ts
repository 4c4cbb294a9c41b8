import { isUuid } from './text';

describe('isUuid', () => {
  it('accepts the 8-4-4-4-12 hex form in either case', () => {
    expect(isUuid('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isUuid('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(true);
  });

  it.each([
    '-'.repeat(36),
    '0f8fad5bd9cb469fa16570867728950e0000',
    '0f8fad5b-d9cb-469f-a165-70867728950',
    'g'.repeat(8) + '-d9cb-469f-a165-70867728950e',
    '',
  ])('refuses %j', (id) => expect(isUuid(id)).toBe(false));
});
