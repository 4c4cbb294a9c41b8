/**
 * Numerically stable softmax with temperature: exp(z_i / T) / sum_j exp(z_j / T).
 *
 * The maximum is subtracted before dividing by the temperature: z / T alone can overflow to
 * Infinity (1e308 / 0.5), while z - max is never positive and exp() of it never overflows.
 *
 * @param {number[]} logits
 * @param {number} temperature > 0
 * @returns {number[]}
 */
export function softmax(logits, temperature) {
  if (logits.length === 0) return [];
  let max = -Infinity;
  for (const z of logits) if (z > max) max = z;
  const exps = logits.map((z) => Math.exp((z - max) / temperature));
  let sum = 0;
  for (const e of exps) sum += e;
  return exps.map((e) => e / sum);
}
