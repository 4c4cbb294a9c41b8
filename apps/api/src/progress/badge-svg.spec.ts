import { parseXml } from '@app/testing';
import { BADGE_MAX_TITLE, badgeValue, renderBadge, textWidth, type BadgeInput } from './badge-svg';

const unescape = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);

function badge(overrides: Partial<BadgeInput> = {}): BadgeInput {
  return {
    certificateId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    challengeTitle: 'Prune a dead MLP',
    verdict: 'PASSED',
    speedup: 1.42,
    speedupLow: 1.35,
    speedupHigh: 1.5,
    ...overrides,
  };
}

const texts = (svg: string) =>
  parseXml(svg)
    .filter((element) => element.name === 'text')
    .map((element) => ({ ...element, text: unescape(element.text) }));

describe('the certificate badge', () => {
  it('escapes a challenge title with <&"\'> and stays well-formed', () => {
    const title = `<script>alert("x")</script> & 'friends'`;
    const svg = renderBadge(badge({ challengeTitle: title }));
    const elements = parseXml(svg);
    expect(elements.map((element) => element.name)).not.toContain('script');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;friends&apos;');
    expect(texts(svg)[0]!.text).toBe(title);
    expect(unescape(elements.find((element) => element.name === 'title')!.text)).toContain(title);
  });

  it('shows the verdict and the speedup with its interval, two decimals', () => {
    const [label, value] = texts(renderBadge(badge()));
    expect(label!.text).toBe('Prune a dead MLP');
    expect(value!.text).toBe('PASSED · speedup 1.42× (1.35–1.50)');
    expect(badgeValue({ verdict: 'INCONCLUSIVE', speedup: 1.07, speedupLow: 0.98, speedupHigh: 1.16 })).toBe(
      'INCONCLUSIVE · speedup 1.07× (0.98–1.16)',
    );
  });

  it('shows the verdict alone when the certificate has no speedup, and the median alone without an interval', () => {
    expect(badgeValue({ verdict: 'FAILED', speedup: null, speedupLow: null, speedupHigh: null })).toBe('FAILED');
    expect(badgeValue({ verdict: 'PASSED', speedup: 2, speedupLow: null, speedupHigh: null })).toBe('PASSED · speedup 2.00×');
    expect(badgeValue({ verdict: 'PASSED', speedup: Number.NaN, speedupLow: 1, speedupHigh: 2 })).toBe('PASSED');
  });

  it('is as wide as its texts: each drawn at its estimated length, inside its own part, with padding', () => {
    for (const input of [badge(), badge({ challengeTitle: 'x' }), badge({ challengeTitle: 'W'.repeat(40), speedup: null })]) {
      const svg = renderBadge(input);
      const root = parseXml(svg)[0]!;
      const width = Number(root.attributes.width);
      expect(root.attributes.viewBox).toBe(`0 0 ${width} 20`);
      const [label, value] = texts(svg);
      const labelLength = Number(label!.attributes.textLength);
      const valueLength = Number(value!.attributes.textLength);
      expect(labelLength).toBe(textWidth(label!.text));
      expect(valueLength).toBe(textWidth(value!.text));
      // label from its x to its end stays left of the value, which ends inside the badge, padding on both sides
      expect(Number(label!.attributes.x) + labelLength).toBeLessThan(Number(value!.attributes.x));
      expect(Number(value!.attributes.x) + valueLength).toBeLessThanOrEqual(width - 6);
      expect(width).toBe(labelLength + valueLength + 4 * 6);
    }
    // A longer title makes a wider badge; wide letters count more than narrow ones.
    const short = Number(parseXml(renderBadge(badge({ challengeTitle: 'ab' })))[0]!.attributes.width);
    const long = Number(parseXml(renderBadge(badge({ challengeTitle: 'ab'.repeat(20) })))[0]!.attributes.width);
    expect(long).toBeGreaterThan(short);
    expect(textWidth('WWWW')).toBeGreaterThan(textWidth('iiii'));
    expect(textWidth('測試測試')).toBeGreaterThan(textWidth('abcd'));
  });

  it('cuts a very long title with an ellipsis', () => {
    const [label] = texts(renderBadge(badge({ challengeTitle: 'a'.repeat(500) })));
    expect(Array.from(label!.text)).toHaveLength(BADGE_MAX_TITLE);
    expect(label!.text.endsWith('…')).toBe(true);
  });

  it('links to the certificate that proves it, relatively, and references nothing outside', () => {
    const svg = renderBadge(badge());
    const link = parseXml(svg).filter((element) => element.name === 'a');
    expect(link).toEqual([expect.objectContaining({ attributes: { href: '/certificates/0f8fad5b-d9cb-469f-a165-70867728950e' } })]);
    expect(svg).toContain('<a href="/certificates/0f8fad5b-d9cb-469f-a165-70867728950e">');
    const names = new Set(parseXml(svg).map((element) => element.name));
    for (const forbidden of ['script', 'image', 'use', 'foreignObject', 'style', 'iframe']) expect(names).not.toContain(forbidden);
    // The only absolute URL is the SVG namespace; no url(), no event handler, no xlink.
    expect(svg.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:|\/\/|url\(|\son[a-z]+=|xlink/i);
  });

  it('replaces characters XML cannot hold', () => {
    const svg = renderBadge(badge({ challengeTitle: 'a\u0000b\u0007c\uD800' }));
    expect(() => parseXml(svg)).not.toThrow();
    expect(Array.from(svg).filter((char) => char.charCodeAt(0) < 0x20 && !'\t\n\r'.includes(char))).toEqual([]);
    expect(texts(svg)[0]!.text).toBe('a\uFFFDb\uFFFDc\uFFFD');
  });
});
