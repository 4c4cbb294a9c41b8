import type { HiddenTest } from './definition';

/**
 * The public examples of an AI_FREE_SESSION challenge (`spec.examples`), one string each:
 *
 *     <entryPoint>(<arguments as JSON, comma-separated>) → <expected result as JSON>[ (±<tolerance>)]
 *
 * e.g. `topK([3, 1, 3, 2], 2) → [0, 2]`, or with numbers compared approximately (like a hidden
 * test with `compare: {mode: 'approx', tolerance}`):
 * `softmax([1, 2, 3], 1) → [0.09003057, 0.24472847, 0.66524096] (±1e-8)`.
 *
 * Arguments and result are strict JSON (object keys in double quotes, no NaN/Infinity), so an
 * example is read without evaluating code, and the same text the learner reads is what the
 * catalog checks against the AI-written solution. The arrow is U+2192 with one space either side.
 */
export const EXAMPLE_ARROW = ' → ';

/** Parses one example into the shape of a hidden test (its name is the example's text). */
export function parseSessionExample(text: string, entryPoint: string): HiddenTest {
  const prefix = `${entryPoint}(`;
  if (!text.startsWith(prefix)) throw new Error(`must start with "${prefix}"`);
  // The last arrow: an argument may be a string holding one, the JSON result never ends with one.
  const arrowAt = text.lastIndexOf(EXAMPLE_ARROW);
  if (arrowAt < 0) throw new Error(`must have "${EXAMPLE_ARROW.trim()}" between the call and its result`);
  const call = text.slice(0, arrowAt).trimEnd();
  if (!call.endsWith(')')) throw new Error('the call must end with ")" before the arrow');
  const args = parseJson(`[${call.slice(prefix.length, -1)}]`, 'the arguments are');
  if (!Array.isArray(args)) throw new Error('the arguments must be a JSON list');

  let resultText = text.slice(arrowAt + EXAMPLE_ARROW.length).trim();
  let compare: HiddenTest['compare'] = { mode: 'exact' };
  const toleranceSuffix = /\s*\(±\s*([^)\s]+)\s*\)$/.exec(resultText);
  if (toleranceSuffix !== null) {
    const tolerance = Number(toleranceSuffix[1]);
    if (!Number.isFinite(tolerance) || tolerance <= 0) throw new Error(`the tolerance "${toleranceSuffix[1]}" must be a positive number`);
    compare = { mode: 'approx', tolerance };
    resultText = resultText.slice(0, toleranceSuffix.index);
  }
  return { name: text, args, expected: parseJson(resultText, 'the result is'), compare };
}

function parseJson(text: string, subject: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${subject} not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
