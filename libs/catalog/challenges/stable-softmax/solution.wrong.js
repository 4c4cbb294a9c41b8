// Plausible but wrong: it does subtract the maximum, but only after dividing by the temperature.
// That is fine until z / T overflows (1e308 / 0.5 = Infinity), where Infinity - Infinity is NaN.
export function softmax(logits, temperature) {
  const scaled = logits.map((z) => z / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
