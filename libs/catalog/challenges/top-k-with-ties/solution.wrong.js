// Plausible but wrong: sorts ascending and takes the tail reversed. Equal scores come out with the
// higher index first, and k = 0 returns everything (slice(-0) is slice(0)).
export function topK(scores, k) {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  return order.slice(-k).reverse();
}
