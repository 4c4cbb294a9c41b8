/**
 * One byte-pair-encoding merge step.
 *
 * @param {{ symbols: string[], count: number }[]} words
 * @returns {{ pair: [string, string] | null, words: { symbols: string[], count: number }[] }}
 */
export function bpeMergeStep(words) {
  // Pairs are keyed by both symbols (nested maps), never by a joined string: "a"+"bc" and "ab"+"c"
  // are different pairs. Map iteration order is insertion order, i.e. first occurrence.
  const counts = new Map();
  const order = [];
  for (const { symbols, count } of words) {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const left = symbols[i];
      const right = symbols[i + 1];
      let inner = counts.get(left);
      if (inner === undefined) {
        inner = new Map();
        counts.set(left, inner);
      }
      if (!inner.has(right)) {
        inner.set(right, 0);
        order.push([left, right]);
      }
      inner.set(right, inner.get(right) + count);
    }
  }

  let best = null;
  let bestCount = -Infinity;
  for (const pair of order) {
    const total = counts.get(pair[0]).get(pair[1]);
    if (total > bestCount) {
      best = pair;
      bestCount = total;
    }
  }
  if (best === null) return { pair: null, words: words.map((w) => ({ symbols: [...w.symbols], count: w.count })) };

  const [left, right] = best;
  const merged = words.map(({ symbols, count }) => {
    const out = [];
    for (let i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
        out.push(left + right);
        i++;
      } else {
        out.push(symbols[i]);
      }
    }
    return { symbols: out, count };
  });
  return { pair: [left, right], words: merged };
}
