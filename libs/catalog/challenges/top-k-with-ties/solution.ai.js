/**
 * Indices of the k largest scores, highest first; equal scores keep the lower index first.
 *
 * @param {number[]} scores
 * @param {number} k
 * @returns {number[]}
 */
export function topK(scores, k) {
  if (k <= 0 || scores.length === 0) return [];
  const indices = scores.map((_, i) => i);
  // Array.prototype.sort is stable, but an explicit tie-break keeps the rule obvious.
  indices.sort((a, b) => {
    if (scores[a] !== scores[b]) return scores[b] > scores[a] ? 1 : -1;
    return a - b;
  });
  return indices.slice(0, Math.min(k, indices.length));
}
