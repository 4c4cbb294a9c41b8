import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest's node environment gives every test file its own realm, with its own Float32Array and
 * friends. onnxruntime-node builds output tensors from typed arrays made in Node's main realm,
 * and onnxruntime-common (loaded inside the test realm) checks them with `instanceof`, so every
 * `session.run` fails with "A float32 tensor's data must be type of function Float32Array()".
 * This environment hands the test realm the main realm's typed-array constructors, so both sides
 * agree. Use it in specs that run ONNX Runtime:
 *
 *   /** @jest-environment ./libs/testing/src/onnxruntime-environment.ts *\/
 */
const SHARED_CONSTRUCTORS = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class OnnxRuntimeEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    for (const name of SHARED_CONSTRUCTORS) Reflect.set(this.global, name, globalThis[name]);
  }
}
