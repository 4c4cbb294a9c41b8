import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text for the same value whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: { b: 2, a: 1 } })).toBe(canonicalJson({ y: { a: 1, b: 2 }, x: 1 }));
  });

  it('prints numbers as JavaScript does, drops undefined and writes dates as ISO strings', () => {
    expect(canonicalJson({ n: 1.5e-7, m: 1e21, k: 0.1 + 0.2, u: undefined, d: new Date(Date.UTC(2026, 10, 30)) })).toBe(
      '{"d":"2026-11-30T00:00:00.000Z","k":0.30000000000000004,"m":1e+21,"n":1.5e-7}',
    );
  });
});
