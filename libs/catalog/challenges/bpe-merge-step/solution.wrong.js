// Plausible but wrong: pairs are counted under the joined string left + right. Different pairs
// that join to the same text ("a"+"bc" and "ab"+"c") share one count, so the wrong pair can win.
export function bpeMergeStep(words) {
  const stats = new Map();
  for (const { symbols, count } of words) {
    for (let i = 0; i < symbols.length - 1; i++) {
      const key = symbols[i] + symbols[i + 1];
      const entry = stats.get(key);
      if (entry) entry.count += count;
      else stats.set(key, { pair: [symbols[i], symbols[i + 1]], count });
    }
  }
  let best = null;
  for (const entry of stats.values()) if (best === null || entry.count > best.count) best = entry;
  if (best === null) return { pair: null, words };
  const [a, b] = best.pair;
  return {
    pair: [a, b],
    words: words.map(({ symbols, count }) => {
      const out = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(symbols[i]);
      }
      return { symbols: out, count };
    }),
  };
}
