import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC } from 'quickjs-emscripten';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { compareResult } from './compare-result';
import { prepareSource } from './prepare-source';
import type { PreparedSource } from './prepare-source';
import { VM_STEPS_PER_POLL } from './types';
import { newLinearMemory } from './linear-memory';
import type { LinearMemory } from './linear-memory';
import type { CodeRunLimits, CodeRunResult, CodeRunTask, CodeTest, MentorTestResult, RuntimeErrorKind, TestOutcome } from './types';

/**
 * Runs a learner's JavaScript or TypeScript against hidden tests inside QuickJS compiled to WASM.
 *
 * Isolation, from the outside in:
 * - One WASM instance per call (a new linear memory): nothing of another submission — its code,
 *   its hidden inputs — is left in memory this one can reach, even through a QuickJS bug; the
 *   memory goes back to the host when the call ends. An instance whose state is in doubt (the host
 *   stack overflowed inside WASM, QuickJS aborted or ran out of memory) is dropped and the next
 *   test gets a new one.
 * - One QuickJS runtime and context per test: a test cannot see another's globals or prototype
 *   changes (`Object.prototype.x = 1` in test 1 is gone in test 2), memory starts empty, the step
 *   counter starts at zero, and a runtime that hit a limit is never reused. Measured cost ≈ 0.4 ms
 *   per test (see README.md), small beside any deadline.
 * - Inside the context only ECMAScript's own globals and a `console` exist: no require, process,
 *   fetch, timers, std/os modules, file system or module loader (`import('fs')` rejects). Values
 *   cross the boundary only as JSON text.
 *
 * Limits per test: memory, stack (setMaxStackSize), a wall-clock deadline and an optional VM-step
 * budget (the interrupt handler), console output (a host-side byte cap).
 * - Memory is capped by the WASM linear memory's `maximum`, not by QuickJS: in this build QuickJS
 *   cannot see allocation sizes (Emscripten has no malloc_usable_size), so `setMemoryLimit` only
 *   refuses single allocations above the limit while the heap grows to the 2 GiB WASM maximum
 *   (measured: 160 MB of arrays under a "64 MiB" limit). A bounded `WebAssembly.Memory` makes
 *   malloc fail inside the allocation itself, so even a native built-in cannot outgrow it.
 * - QuickJS polls the interrupt handler every 10,000 VM steps, not inside native built-ins, so a
 *   long `sort` or `fill` can run past the deadline until it returns or memory stops it; such a
 *   test is still TIME_LIMIT, and the caller's AbortSignal (Piscina) remains the hard stop.
 *
 * Once {@link MAX_RESOURCE_FAILURES} tests of the run have ended in TIME_LIMIT or MEMORY_LIMIT,
 * the remaining tests are not run and are reported as SKIPPED (not passed; `total` still counts
 * them). This bounds a run at about 2 × timeMsPerTest plus the time of the tests that finished.
 */
export async function runHiddenTests(task: CodeRunTask): Promise<CodeRunResult> {
  assertValidTask(task);
  const startedAt = performance.now();
  const instances = new WasmInstances(task.limits.memoryBytes);
  const source = prepareSource(task.code, task.language);
  let compileError: string | null = source.ok ? null : source.compileError;
  if (source.ok) {
    const checked = checkSyntax((await instances.current()).module, source, task);
    if (checked.instanceFaulted) instances.discard();
    compileError = checked.compileError;
  }
  const tests: MentorTestResult[] = [];
  let resourceFailures = 0;
  for (const test of task.tests) {
    if (!source.ok || compileError !== null) {
      tests.push(compileErrorResult(test.name, compileError ?? 'the code did not compile'));
      continue;
    }
    if (resourceFailures >= MAX_RESOURCE_FAILURES) {
      tests.push(skippedResult(test.name));
      continue;
    }
    const run = runOneTest(await instances.current(), source, task, test);
    if (run.instanceFaulted) instances.discard();
    if (RESOURCE_FAILURES.has(run.result.outcome)) resourceFailures += 1;
    tests.push(run.result);
  }
  return buildResult(compileError, tests, performance.now() - startedAt);
}

/**
 * Tests of one run that may end in TIME_LIMIT or MEMORY_LIMIT before the rest are SKIPPED. Code
 * that loops on every input would otherwise cost every test its full deadline (17 tests × 2 s =
 * 34 s of scorer time per submission); after two the learner already knows the code runs out of
 * time or memory, and which tests did.
 */
export const MAX_RESOURCE_FAILURES = 2;
const RESOURCE_FAILURES: ReadonlySet<TestOutcome> = new Set<TestOutcome>(['TIME_LIMIT', 'MEMORY_LIMIT']);

/** The module's entry point is re-exported under this name, which QuickJS's namespace exposes. */
const ENTRY_EXPORT = '__provingGroundEntry';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
// Words that pass IDENTIFIER but cannot be referenced in a module (strict mode).
const RESERVED_WORDS = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'implements import in instanceof interface let new null package private protected public return static super switch this throw ' +
    'true try typeof var void while with yield arguments eval'
  ).split(' '),
);
/** Time allowed to read an error's text after the test's own time is spent (getters may loop). */
const ERROR_READ_MS = 100;
const WASM_PAGE_BYTES = 64 * 1024;
/**
 * What the engine itself occupies before the learner's heap: this build's INITIAL_MEMORY (code
 * data, the 5 MiB shadow stack, the first heap pages). The linear memory may grow by memoryBytes.
 */
const ENGINE_BASE_BYTES = 16 * 1024 * 1024;
/** wasm32 with this build's 2 GiB ceiling, less the engine's base. */
export const MAX_MEMORY_BYTES = 2 * 1024 * 1024 * 1024 - ENGINE_BASE_BYTES;
/**
 * Emscripten grows memory by at least 5% at a time, so an allocation fails up to 5% below the
 * maximum: within this share of the cap, the heap counts as exhausted.
 */
const NEAR_CAP_SHARE = 0.9;
const MAX_ERROR_CHARS = 1_500;
/**
 * QuickJS checks its stack limit against the WASM shadow stack, which quickjs-emscripten builds
 * with 5 MiB; a limit at or above that never trips and the shadow stack would overrun the heap.
 */
export const MAX_STACK_BYTES = 4 * 1024 * 1024;
const MAX_STACK_LINES = 6;

function assertValidTask(task: CodeRunTask): void {
  if (!IDENTIFIER.test(task.entryPoint) || RESERVED_WORDS.has(task.entryPoint)) {
    throw new RangeError(`entryPoint must be a JavaScript identifier, got ${JSON.stringify(task.entryPoint)}`);
  }
  const limits: Array<[keyof CodeRunLimits, number | undefined]> = [
    ['memoryBytes', task.limits.memoryBytes],
    ['stackBytes', task.limits.stackBytes],
    ['timeMsPerTest', task.limits.timeMsPerTest],
    ['outputBytes', task.limits.outputBytes],
    ['vmStepsPerTest', task.limits.vmStepsPerTest],
  ];
  if (task.limits.memoryBytes > MAX_MEMORY_BYTES) {
    throw new RangeError(`limits.memoryBytes must be at most ${MAX_MEMORY_BYTES} (wasm32), got ${task.limits.memoryBytes}`);
  }
  if (task.limits.stackBytes > MAX_STACK_BYTES) {
    throw new RangeError(
      `limits.stackBytes must be at most ${MAX_STACK_BYTES} (QuickJS's WASM stack is 5 MiB), got ${task.limits.stackBytes}`,
    );
  }
  for (const [name, value] of limits) {
    if (value === undefined && name === 'vmStepsPerTest') continue;
    if (value === undefined || !Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
}

/** A QuickJS WASM instance and the linear memory that caps everything it allocates. */
interface WasmInstance {
  module: QuickJSWASMModule;
  memory: LinearMemory;
  maxBytes: number;
}

/** Hands out the current WASM instance, creating a new one after a discard. */
class WasmInstances {
  private instance: Promise<WasmInstance> | null = null;

  constructor(private readonly memoryBytes: number) {}

  current(): Promise<WasmInstance> {
    this.instance ??= createInstance(this.memoryBytes);
    return this.instance;
  }

  discard(): void {
    this.instance = null;
  }
}

async function createInstance(memoryBytes: number): Promise<WasmInstance> {
  const maxPages = Math.ceil((ENGINE_BASE_BYTES + memoryBytes) / WASM_PAGE_BYTES);
  const memory = newLinearMemory(ENGINE_BASE_BYTES / WASM_PAGE_BYTES, maxPages);
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }));
  return { module, memory, maxBytes: maxPages * WASM_PAGE_BYTES };
}

function nearMemoryCap(instance: WasmInstance): boolean {
  return instance.memory.buffer.byteLength >= instance.maxBytes * NEAR_CAP_SHARE;
}

function entryExport(entryPoint: string): string {
  // Appended after the learner's last line so their line numbers stay as they wrote them; `typeof`
  // makes a missing name an undefined export instead of a ReferenceError.
  return `\n;export const ${ENTRY_EXPORT} = typeof ${entryPoint} === 'function' ? ${entryPoint} : undefined;\n`;
}

interface SyntaxCheck {
  compileError: string | null;
  instanceFaulted: boolean;
}

/** Parses the module once, before any test: a syntax error is reported once and fails every test. */
function checkSyntax(module: QuickJSWASMModule, source: Extract<PreparedSource, { ok: true }>, task: CodeRunTask): SyntaxCheck {
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(task.limits.memoryBytes);
  runtime.setMaxStackSize(task.limits.stackBytes);
  const deadline = performance.now() + task.limits.timeMsPerTest;
  runtime.setInterruptHandler(() => performance.now() > deadline);
  const context = runtime.newContext();
  let compileError: string | null = null;
  try {
    const compiled = context.evalCode(source.js + entryExport(task.entryPoint), source.fileName, { type: 'module', compileOnly: true });
    if (compiled.error) {
      compileError = describeCompileError(context, compiled.error, source);
      compiled.error.dispose();
    } else {
      compiled.value.dispose();
    }
  } catch (hostError) {
    // The parser recursed past the host's stack (absurdly nested code): the instance is suspect.
    return { compileError: `the code could not be parsed (${hostErrorText(hostError)})`, instanceFaulted: true };
  }
  try {
    context.dispose();
    runtime.dispose();
  } catch {
    return { compileError, instanceFaulted: true };
  }
  return { compileError, instanceFaulted: false };
}

function describeCompileError(context: QuickJSContext, error: QuickJSHandle, source: Extract<PreparedSource, { ok: true }>): string {
  try {
    const dumped: unknown = context.dump(error);
    if (isRecord(dumped) && typeof dumped.message === 'string') {
      const name = typeof dumped.name === 'string' ? dumped.name : 'SyntaxError';
      const where = typeof dumped.stack === 'string' ? /\((?:[^)]*?)(\d+):(\d+)\)|at [^\s:]+:(\d+):(\d+)/.exec(dumped.stack) : null;
      const line = Number(where?.[1] ?? where?.[3]);
      const column = Number(where?.[2] ?? where?.[4]);
      if (Number.isInteger(line) && Number.isInteger(column) && line > 0) {
        const position = source.toSourcePosition(line, column);
        return `${source.fileName}:${position.line}:${position.column} ${name}: ${dumped.message}`;
      }
      return `${name}: ${dumped.message}`;
    }
  } catch {
    // fall through to the generic text
  }
  return 'SyntaxError: the code could not be parsed';
}

function compileErrorResult(name: string, compileError: string): MentorTestResult {
  return {
    name,
    passed: false,
    outcome: 'RUNTIME_ERROR',
    ms: 0,
    errorKind: 'COMPILE_ERROR',
    output: '',
    outputTruncated: false,
    error: compileError,
    mismatch: null,
    vmSteps: 0,
  };
}

/** A test left unrun because the run already reached {@link MAX_RESOURCE_FAILURES}. */
function skippedResult(name: string): MentorTestResult {
  return {
    name,
    passed: false,
    outcome: 'SKIPPED',
    ms: 0,
    errorKind: null,
    output: '',
    outputTruncated: false,
    error: null,
    mismatch: null,
    vmSteps: 0,
  };
}

interface Verdict {
  outcome: TestOutcome;
  errorKind: RuntimeErrorKind | null;
  error: string | null;
  mismatch: string | null;
}

function runOneTest(
  instance: WasmInstance,
  source: Extract<PreparedSource, { ok: true }>,
  task: CodeRunTask,
  test: CodeTest,
): { result: MentorTestResult; instanceFaulted: boolean } {
  let sandbox: TestSandbox | null = null;
  let verdict: Verdict;
  let instanceFaulted = false;
  try {
    sandbox = new TestSandbox(instance, source, task.limits);
    verdict = sandbox.run(task.entryPoint, test);
    if (sandbox.hostCallbackError !== null) instanceFaulted = true;
  } catch (hostError) {
    // An exception that QuickJS did not turn into a JS error: the host stack overflowed inside
    // WASM, glue code found no memory left, or the instance aborted. Nothing of it is trusted.
    instanceFaulted = true;
    sandbox?.stopClock();
    if (nearMemoryCap(instance)) {
      verdict = { outcome: 'MEMORY_LIMIT', errorKind: null, error: hostErrorText(hostError), mismatch: null };
    } else {
      const overflow = isHostStackOverflow(hostError);
      verdict = {
        outcome: 'RUNTIME_ERROR',
        errorKind: overflow ? 'STACK_OVERFLOW' : 'SANDBOX_FAULT',
        error: overflow ? 'InternalError: stack overflow (host stack exhausted)' : hostErrorText(hostError),
        mismatch: null,
      };
    }
  }
  // QuickJS is not reliably consistent after running out of memory (a later call in the same
  // instance trapped in our measurements), and a full linear memory would starve the next test.
  if (verdict.outcome === 'MEMORY_LIMIT' || nearMemoryCap(instance)) instanceFaulted = true;
  if (sandbox !== null && !instanceFaulted && !sandbox.dispose()) instanceFaulted = true;
  const ms = sandbox?.elapsedMs() ?? 0;
  // A fault after the deadline is a time limit like any other (whichever tripped first).
  if (verdict.outcome === 'RUNTIME_ERROR' && verdict.errorKind === 'SANDBOX_FAULT' && ms > task.limits.timeMsPerTest) {
    verdict = { ...verdict, outcome: 'TIME_LIMIT', errorKind: null };
  }
  return {
    instanceFaulted,
    result: {
      name: test.name,
      passed: verdict.outcome === 'PASSED',
      outcome: verdict.outcome,
      ms: round(ms),
      errorKind: verdict.errorKind,
      output: sandbox?.output.text() ?? '',
      outputTruncated: sandbox?.output.exceeded ?? false,
      error: verdict.error,
      mismatch: verdict.mismatch,
      vmSteps: (sandbox?.polls ?? 0) * VM_STEPS_PER_POLL,
    },
  };
}

type InterruptReason = 'OUTPUT' | 'DEADLINE' | 'VM_STEPS' | 'HOST_CALLBACK' | 'NATIVE_OVERRUN';

/**
 * Elements a guarded array method may visit per millisecond of the deadline (~10 ns each; the
 * native loops measured 14–40 ns per hole here): a call above it cannot finish in time.
 */
const GUARDED_ELEMENTS_PER_MS = 100_000;

/** A step that either produced a handle or failed with a JS error (a handle) or a message. */
type Step = { ok: true; value: QuickJSHandle } | { ok: false; error: QuickJSHandle | string };

/**
 * Array methods whose native loop runs to `length` without polling the interrupt handler and,
 * over holes or an array-like, without allocating: `new Array(1e9).join()` ran 26 s past a 1 s
 * deadline, and `Array.prototype.includes.call({ length: 2 ** 53 - 1 }, 1)` would never return,
 * so only the host's hard stop could end the test. (JSON.stringify and `fill` allocate per element
 * and stop at the memory cap.)
 */
const LENGTH_GUARDED_METHODS = [
  'copyWithin',
  'every',
  'fill',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'forEach',
  'includes',
  'indexOf',
  'join',
  'lastIndexOf',
  'map',
  'pop',
  'push',
  'reduce',
  'reduceRight',
  'reverse',
  'shift',
  'slice',
  'some',
  'sort',
  'splice',
  'toLocaleString',
  'toReversed',
  'toSorted',
  'toSpliced',
  'unshift',
  'with',
  'concat',
  'flat',
  'flatMap',
];

/**
 * Replaces each method in {@link LENGTH_GUARDED_METHODS} with a wrapper (same name and length,
 * not a constructor) that first compares the elements the call would visit with `maxElements`
 * (more than the deadline leaves time for at ~10 ns each); above it the test is a TIME_LIMIT, as
 * it would be if QuickJS could interrupt the loop. Dense arrays that fit in memory are far below
 * the bound. `toString` reaches `join` through the prototype, so it is covered too. The wrapper
 * reads `length` once more than the native method would: a getter on an array-like sees two calls.
 */
const LENGTH_GUARD_SOURCE = `
  const ArrayProto = Array.prototype;
  const isArray = Array.isArray;
  const defineProperty = Object.defineProperty;
  const spreadable = Symbol.isConcatSpreadable;
  const guardedMethods = {};
  const lengthOf = (value) => {
    const length = Math.trunc(Number(value.length));
    return length > 0 ? length : 0;
  };
  const tooLong = () => {
    overrun();
    throw new InternalError('interrupted');
  };
  const nestedElements = (array, depth, budget) => {
    let count = lengthOf(array);
    if (count > budget || depth < 1) return count;
    for (let i = 0; i < array.length && count <= budget; i++) {
      const item = array[i];
      if (isArray(item)) count += nestedElements(item, depth - 1, budget - count);
    }
    return count;
  };
  const elementsVisited = (name, self, args) => {
    if (self === null || self === undefined) return 0;
    let count = lengthOf(Object(self));
    if (name === 'concat') {
      for (let i = 0; i < args.length && count <= maxElements; i++) {
        const item = args[i];
        if (item !== null && typeof item === 'object' && (item[spreadable] ?? isArray(item))) count += lengthOf(item);
      }
    } else if (name === 'flat' && count <= maxElements) {
      const depth = args[0] === undefined ? 1 : Math.trunc(Number(args[0]));
      count = nestedElements(Object(self), depth, maxElements);
    }
    return count;
  };
  for (const name of ${JSON.stringify(LENGTH_GUARDED_METHODS)}) {
    const native = ArrayProto[name];
    const guarded = name === 'flatMap'
      ? {
          flatMap(callback, thisArg) {
            // The callback's results are flattened by a native loop too: map, then a guarded flat.
            return apply(guardedMethods.flat, apply(guardedMethods.map, this, [callback, thisArg]), [1]);
          },
        }.flatMap
      : {
          [name](...args) {
            if (elementsVisited(name, this, args) > maxElements) tooLong();
            return apply(native, this, args);
          },
        }[name];
    defineProperty(guarded, 'name', { value: name });
    defineProperty(guarded, 'length', { value: native.length });
    defineProperty(ArrayProto, name, { value: guarded, writable: true, enumerable: false, configurable: true });
    guardedMethods[name] = guarded;
  }`;

/** Runs inside the VM before the learner's code, so it captures the genuine intrinsics. */
const HARNESS_SOURCE = `(function (write, outputChars, overrun, maxElements) {
  'use strict';
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const apply = Reflect.apply;
  const toText = String;
  const ErrorClass = Error;
  const format = (value) => {
    if (typeof value === 'string') return value;
    try {
      if (value instanceof ErrorClass) return toText(value);
      const text = stringify(value);
      return text === undefined ? toText(value) : text;
    } catch (_) {
      try { return toText(value); } catch (_) { return '[unprintable value]'; }
    }
  };
  const print = function () {
    let line = '';
    for (let i = 0; i < arguments.length; i++) {
      line += (i === 0 ? '' : ' ') + format(arguments[i]);
      if (line.length > outputChars) break;
    }
    // Only bounds the copy to the host; the host's byte count is what enforces the limit.
    write(line.length > outputChars ? line.slice(0, outputChars + 1) : line + '\\n');
  };
  globalThis.console = { log: print, info: print, warn: print, error: print, debug: print, trace: print };
  ${LENGTH_GUARD_SOURCE}
  return {
    invoke: (fn, argsJson) => apply(fn, undefined, parse(argsJson)),
    serialize: (value) => stringify(value),
  };
})`;

/** One test's runtime, context and bookkeeping. */
class TestSandbox {
  readonly output: OutputBuffer;
  polls = 0;
  hostCallbackError: unknown = null;
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly handles: QuickJSHandle[] = [];
  private phase: 'setup' | 'running' | 'reading' = 'setup';
  private deadline = Number.POSITIVE_INFINITY;
  private readDeadline = Number.POSITIVE_INFINITY;
  private interruptReason: InterruptReason | null = null;
  private startedAt = 0;
  private stoppedAt: number | null = null;

  constructor(
    private readonly instance: WasmInstance,
    private readonly source: Extract<PreparedSource, { ok: true }>,
    private readonly limits: CodeRunLimits,
  ) {
    this.output = new OutputBuffer(limits.outputBytes);
    this.runtime = instance.module.newRuntime();
    // Only refuses single allocations above the limit (see the top of the file); the total is
    // capped by the instance's linear memory.
    this.runtime.setMemoryLimit(limits.memoryBytes);
    this.runtime.setMaxStackSize(limits.stackBytes);
    this.runtime.setInterruptHandler(() => this.shouldInterrupt());
    this.context = this.runtime.newContext();
  }

  /** Runs the test; throws only on host-level faults (handled by the caller). */
  run(entryPoint: string, test: CodeTest): Verdict {
    const harness = this.installHarness();
    const { context } = this;
    this.start();

    const evaluated = context.evalCode(this.source.js + entryExport(entryPoint), this.source.fileName, { type: 'module' });
    if (evaluated.error) return this.failure('MODULE_INIT_FAILED', this.track(evaluated.error));
    const namespace = this.settle(this.track(evaluated.value), 'the module’s top-level await never settled');
    if (!namespace.ok) return this.failure('MODULE_INIT_FAILED', namespace.error);
    const entry = this.track(context.getProp(namespace.value, ENTRY_EXPORT));
    if (context.typeof(entry) !== 'function') {
      return this.failure('ENTRY_POINT_MISSING', `no top-level function named ${entryPoint} (declare it with function, const or let)`);
    }

    const argsJson = this.track(context.newString(JSON.stringify(test.args)));
    const called = context.callFunction(harness.invoke, context.undefined, entry, argsJson);
    if (called.error) return this.failure('THROWN', this.track(called.error));
    const settled = this.settle(this.track(called.value), `the promise returned by ${entryPoint} never settled`);
    if (!settled.ok) return this.failure('THROWN', settled.error);

    const serialized = context.callFunction(harness.serialize, context.undefined, settled.value);
    if (serialized.error) return this.failure('RESULT_NOT_JSON', this.track(serialized.error));
    const jsonHandle = this.track(serialized.value);
    const json = context.typeof(jsonHandle) === 'string' ? context.getString(jsonHandle) : undefined;
    const elapsed = this.stop();

    if (this.hostCallbackError !== null) return this.hostCallbackVerdict();
    const limitHit = this.limitOutcome(elapsed);
    if (limitHit !== null) return { outcome: limitHit, errorKind: null, error: null, mismatch: null };
    const got: unknown = json === undefined ? undefined : JSON.parse(json);
    const comparison = compareResult(test.expected, got, test.compare);
    return comparison.equal
      ? { outcome: 'PASSED', errorKind: null, error: null, mismatch: null }
      : { outcome: 'WRONG_ANSWER', errorKind: null, error: null, mismatch: comparison.mismatch };
  }

  /** Ends the timed part if a host fault interrupted the test before it could. */
  stopClock(): void {
    if (this.phase === 'running') this.stop();
  }

  elapsedMs(): number {
    if (this.phase === 'setup') return 0;
    return (this.stoppedAt ?? performance.now()) - this.startedAt;
  }

  /** Frees everything; false when QuickJS could not free cleanly (the instance is then dropped). */
  dispose(): boolean {
    try {
      for (const handle of this.handles.reverse()) if (handle.alive) handle.dispose();
      this.context.dispose();
      this.runtime.dispose();
      return true;
    } catch {
      return false;
    }
  }

  private shouldInterrupt(): boolean {
    const now = performance.now();
    if (this.phase === 'reading') return now > this.readDeadline;
    if (this.phase !== 'running') return false;
    this.polls += 1;
    if (this.interruptReason === null) {
      if (this.hostCallbackError !== null) this.interruptReason = 'HOST_CALLBACK';
      else if (this.output.exceeded) this.interruptReason = 'OUTPUT';
      else if (now > this.deadline) this.interruptReason = 'DEADLINE';
      else if (this.limits.vmStepsPerTest !== undefined && this.polls * VM_STEPS_PER_POLL > this.limits.vmStepsPerTest) {
        this.interruptReason = 'VM_STEPS';
      }
    }
    // Once interrupted, stay interrupted: an uncatchable error cannot be swallowed, and a `finally`
    // that loops is interrupted again at its next poll.
    return this.interruptReason !== null;
  }

  private installHarness(): { invoke: QuickJSHandle; serialize: QuickJSHandle } {
    const { context } = this;
    const write = this.track(
      context.newFunction('write', (textHandle) => {
        try {
          this.output.append(context.getString(textHandle));
        } catch (error) {
          // Cannot be a learner's JS error (the harness passes strings): the host itself failed,
          // e.g. its stack ran out during deep recursion. Stop the test at the next poll.
          this.hostCallbackError ??= error;
        }
      }),
    );
    const factory = this.track(context.unwrapResult(context.evalCode(HARNESS_SOURCE, 'harness.js')));
    const outputChars = this.track(context.newNumber(this.limits.outputBytes));
    const overrun = this.track(
      context.newFunction('overrun', () => {
        // Stays set: the guard's error can be caught, the interrupt at the next poll cannot.
        this.interruptReason ??= 'NATIVE_OVERRUN';
      }),
    );
    const maxElements = this.track(context.newNumber(this.limits.timeMsPerTest * GUARDED_ELEMENTS_PER_MS));
    const harness = this.track(
      context.unwrapResult(context.callFunction(factory, context.undefined, write, outputChars, overrun, maxElements)),
    );
    return { invoke: this.track(context.getProp(harness, 'invoke')), serialize: this.track(context.getProp(harness, 'serialize')) };
  }

  private start(): void {
    this.phase = 'running';
    this.startedAt = performance.now();
    this.deadline = this.startedAt + this.limits.timeMsPerTest;
  }

  /** Ends the timed part; what follows (reading errors) gets its own small budget and headroom. */
  private stop(): number {
    if (this.stoppedAt === null) {
      this.stoppedAt = performance.now();
      this.phase = 'reading';
      this.readDeadline = this.stoppedAt + ERROR_READ_MS;
    }
    return this.stoppedAt - this.startedAt;
  }

  /** Resolves a value that may be a promise by running the VM's job queue (under the same limits). */
  private settle(handle: QuickJSHandle, neverSettled: string): Step {
    const { context, runtime } = this;
    let state = context.getPromiseState(handle);
    if (state.type === 'fulfilled' && state.notAPromise === true) return { ok: true, value: handle };
    while (state.type === 'pending') {
      if (!runtime.hasPendingJob()) return { ok: false, error: neverSettled };
      const jobs = runtime.executePendingJobs();
      if (jobs.error) return { ok: false, error: this.track(jobs.error) };
      state = context.getPromiseState(handle);
    }
    if (state.type === 'fulfilled') return { ok: true, value: this.track(state.value) };
    return { ok: false, error: this.track(state.error) };
  }

  private failure(kind: RuntimeErrorKind, error: QuickJSHandle | string): Verdict {
    const elapsed = this.stop();
    const read = typeof error === 'string' ? { name: null, message: error, text: error } : this.readError(error);
    if (this.hostCallbackError !== null) return this.hostCallbackVerdict();
    const limitHit = this.limitOutcome(elapsed);
    if (limitHit !== null) return { outcome: limitHit, errorKind: null, error: read.text, mismatch: null };
    // QuickJS throws `null` when it cannot even allocate the out-of-memory error.
    if ((read.name === 'InternalError' && read.message === 'out of memory') || (read.name === null && nearMemoryCap(this.instance))) {
      return { outcome: 'MEMORY_LIMIT', errorKind: null, error: read.text, mismatch: null };
    }
    if (read.name === 'InternalError' && read.message === 'stack overflow') {
      return { outcome: 'RUNTIME_ERROR', errorKind: 'STACK_OVERFLOW', error: read.text, mismatch: null };
    }
    return { outcome: 'RUNTIME_ERROR', errorKind: kind, error: read.text, mismatch: null };
  }

  /** The host side of console.log failed (its stack ran out inside deep recursion, say). */
  private hostCallbackVerdict(): Verdict {
    const overflow = isHostStackOverflow(this.hostCallbackError);
    return {
      outcome: 'RUNTIME_ERROR',
      errorKind: overflow ? 'STACK_OVERFLOW' : 'SANDBOX_FAULT',
      error: overflow ? 'InternalError: stack overflow (host stack exhausted)' : hostErrorText(this.hostCallbackError),
      mismatch: null,
    };
  }

  /** The limit that decides the test, if any, in the order they trip. */
  private limitOutcome(elapsed: number): TestOutcome | null {
    if (this.interruptReason === 'OUTPUT' || this.output.exceeded) return 'OUTPUT_LIMIT';
    if (this.interruptReason === 'DEADLINE' || this.interruptReason === 'VM_STEPS' || this.interruptReason === 'NATIVE_OVERRUN') {
      return 'TIME_LIMIT';
    }
    // A native built-in can overrun between polls; the verdict does not depend on where it ended.
    if (elapsed > this.limits.timeMsPerTest) return 'TIME_LIMIT';
    return null;
  }

  private readError(handle: QuickJSHandle): { name: string | null; message: string; text: string } {
    try {
      const dumped: unknown = this.context.dump(handle);
      if (isRecord(dumped) && typeof dumped.message === 'string') {
        const name = typeof dumped.name === 'string' ? dumped.name : 'Error';
        const stack = typeof dumped.stack === 'string' ? this.sourceStack(dumped.stack) : '';
        return {
          name,
          message: dumped.message,
          text: clip(stack === '' ? `${name}: ${dumped.message}` : `${name}: ${dumped.message}\n${stack}`),
        };
      }
      return { name: null, message: '', text: clip(`threw a value that is not an Error: ${JSON.stringify(dumped) ?? String(dumped)}`) };
    } catch {
      return { name: null, message: '', text: 'threw a value that could not be read' };
    }
  }

  /** Keeps the frames of the learner's file, with positions in their own source. */
  private sourceStack(stack: string): string {
    const { fileName } = this.source;
    return stack
      .split('\n')
      .filter((line) => line.includes(fileName))
      .slice(0, MAX_STACK_LINES)
      .map((line) =>
        line.replace(new RegExp(`${fileName.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g'), (_match, line: string, column: string) => {
          const position = this.source.toSourcePosition(Number(line), Number(column));
          return `${fileName}:${position.line}:${position.column}`;
        }),
      )
      .join('\n');
  }

  private track(handle: QuickJSHandle): QuickJSHandle {
    this.handles.push(handle);
    return handle;
  }
}

/** Console output capped in UTF-8 bytes (the limit is in bytes, JS strings count UTF-16 units). */
class OutputBuffer {
  exceeded = false;
  private readonly chunks: string[] = [];
  private bytes = 0;
  private static readonly encoder = new TextEncoder();
  private static readonly decoder = new TextDecoder();

  constructor(private readonly capBytes: number) {}

  append(text: string): void {
    if (this.exceeded) return;
    const encoded = OutputBuffer.encoder.encode(text);
    const room = this.capBytes - this.bytes;
    if (encoded.length <= room) {
      this.chunks.push(text);
      this.bytes += encoded.length;
      return;
    }
    let cut = room;
    // Never cut inside a multi-byte character.
    while (cut > 0 && ((encoded[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
    this.chunks.push(OutputBuffer.decoder.decode(encoded.subarray(0, cut)));
    this.bytes += cut;
    this.exceeded = true;
  }

  text(): string {
    return this.chunks.join('');
  }
}

function buildResult(compileError: string | null, tests: MentorTestResult[], totalMs: number): CodeRunResult {
  const passed = tests.filter((test) => test.passed).length;
  return {
    learner: {
      compileError,
      passed,
      total: tests.length,
      // Rebuilt field by field (not spread) so a mentor-only field can never slip through.
      tests: tests.map((test) => ({ name: test.name, passed: test.passed, outcome: test.outcome, ms: test.ms, errorKind: test.errorKind })),
    },
    mentor: {
      compileError,
      passed,
      total: tests.length,
      tests,
      totalMs: round(totalMs),
      testMs: round(tests.reduce((sum, test) => sum + test.ms, 0)),
      vmSteps: tests.reduce((sum, test) => sum + test.vmSteps, 0),
    },
  };
}

function isHostStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function hostErrorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return clip(`sandbox fault: ${text}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function clip(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
