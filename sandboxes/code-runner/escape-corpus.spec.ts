import { runHiddenTests } from './run-hidden-tests';
import { CODE_CORPUS_NORMAL_CODE, codeCorpusFiles, codeCorpusTask, codeTask, loadCodeCorpus } from '@app/testing';

/** The escape corpus (test/fixtures/not-ok/code), run by calling the sandbox function directly. */
const manifest = loadCodeCorpus();
const SLACK_MS = 2_000;
/** What the global object (and its prototype chain) holds in QuickJS 2025-09-13 with the runner's console. */
const QUICKJS_GLOBALS = [
  'AggregateError',
  'Array',
  'ArrayBuffer',
  'BigInt',
  'BigInt64Array',
  'BigUint64Array',
  'Boolean',
  'DataView',
  'Date',
  'Error',
  'EvalError',
  'FinalizationRegistry',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'Function',
  'Infinity',
  'Int16Array',
  'Int32Array',
  'Int8Array',
  'InternalError',
  'Iterator',
  'JSON',
  'Map',
  'Math',
  'NaN',
  'Number',
  'Object',
  'Promise',
  'Proxy',
  'RangeError',
  'ReferenceError',
  'Reflect',
  'RegExp',
  'Set',
  'SharedArrayBuffer',
  'String',
  'Symbol',
  'SyntaxError',
  'TypeError',
  'URIError',
  'Uint16Array',
  'Uint32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'WeakMap',
  'WeakRef',
  'WeakSet',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  '__proto__',
  'console',
  'constructor',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'eval',
  'globalThis',
  'hasOwnProperty',
  'isFinite',
  'isNaN',
  'isPrototypeOf',
  'parseFloat',
  'parseInt',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'undefined',
  'unescape',
  'valueOf',
];

describe('escape corpus (test/fixtures/not-ok/code)', () => {
  it('has a manifest entry for every file and a file for every entry', () => {
    const files = Object.values(manifest.entries).map((entry) => entry.file);
    expect([...files].sort()).toEqual(codeCorpusFiles().sort());
  });

  it.each(Object.entries(manifest.entries))(
    '%s ends with its recorded outcome in time, and the next run is unaffected',
    async (_name, entry) => {
      const startedAt = performance.now();
      const result = await runHiddenTests(codeCorpusTask(entry.file, {}, manifest));
      const elapsed = performance.now() - startedAt;
      expect(result.learner.tests.map((test) => test.outcome)).toEqual(entry.outcomes);
      for (const test of result.learner.tests) {
        expect(test.errorKind).toBe(test.outcome === 'RUNTIME_ERROR' ? entry.errorKind : null);
      }
      expect(elapsed).toBeLessThan(manifest.tests.length * manifest.limits.timeMsPerTest + SLACK_MS);
      const next = await runHiddenTests(codeTask(CODE_CORPUS_NORMAL_CODE, 'javascript', {}, manifest));
      expect(next.mentor.tests.map((test) => [test.outcome, test.mismatch])).toEqual(manifest.tests.map(() => ['PASSED', null]));
    },
  );

  it('shows learner code only the global names of ECMAScript and the console', async () => {
    const result = await runHiddenTests(codeCorpusTask('global-keys.js', { outputBytes: 64 * 1024 }, manifest));
    for (const test of result.mentor.tests) expect(JSON.parse(test.output)).toEqual(QUICKJS_GLOBALS);
  });

  it('keeps the guarded array methods’ results, names and lengths', async () => {
    const code = `function solve(xs) {
      const methods = ['join', 'includes', 'indexOf', 'flat', 'flatMap', 'concat', 'map', 'push', 'sort', 'toString'];
      return {
        shape: methods.map((name) => [Array.prototype[name].name, Array.prototype[name].length]),
        results: [
          xs.join('-'), xs.includes(2), xs.indexOf(3), [xs, [xs]].flat(2).length, xs.flatMap((x) => [x, x]), xs.concat([4], 5),
          String(xs), [3, 1, 2].sort(), Array.prototype.indexOf.call({ length: 3, 1: 'b' }, 'b'), new Array(5).join('.'),
        ],
        notConstructors: (() => { try { new Array.prototype.map(); return false; } catch (e) { return e instanceof TypeError; } })(),
      };
    }`;
    const expected = {
      shape: [
        ['join', 1],
        ['includes', 1],
        ['indexOf', 1],
        ['flat', 0],
        ['flatMap', 1],
        ['concat', 1],
        ['map', 1],
        ['push', 1],
        ['sort', 1],
        ['toString', 0],
      ],
      results: ['1-2-3', true, 2, 6, [1, 1, 2, 2, 3, 3], [1, 2, 3, 4, 5], '1,2,3', [1, 2, 3], 1, '....'],
      notConstructors: true,
    };
    const result = await runHiddenTests({
      code,
      language: 'javascript',
      entryPoint: 'solve',
      tests: [{ name: 'array methods', args: [[1, 2, 3]], expected, compare: { mode: 'exact' } }],
      limits: manifest.limits,
    });
    expect(result.mentor.tests.map((test) => [test.outcome, test.mismatch, test.error])).toEqual([['PASSED', null, null]]);
  });
});
