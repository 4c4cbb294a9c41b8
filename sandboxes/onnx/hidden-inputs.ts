import { createHash } from 'node:crypto';
import type { Dimension, TensorDtype, TensorSpec } from './types';

/**
 * Hidden inputs for parity (DESIGN.md §4): drawn from the attempt's secret seed and the scoring's
 * nonce, so they are fresh on every scoring yet reproducible given both. Each (batch, input) pair
 * has its own stream — sha256 of the pair and both secrets seeds xoshiro128** — so a value never
 * depends on the order in which inputs are listed or batches are drawn, and integer arithmetic
 * only keeps the values identical on every platform.
 *
 * Values follow the catalog's own drawing (libs/catalog/src/models/measure.ts): floats uniform in
 * [-1, 1), int32/int64 in [0, 10), uint8 in [0, 256), int8 in [-128, 128), bool 0 or 1.
 */

/** Bumped if the drawing ever changes, so that old and new inputs can never be confused. */
const STREAM_DOMAIN = 'proving-ground/parity-hidden-inputs/v1';

export type HiddenTensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

/** An input with every dimension resolved to a size. */
export interface ConcreteInput {
  name: string;
  dtype: TensorDtype;
  dims: readonly number[];
}

/** One drawn input tensor, as plain data (bool is stored as 0/1 bytes, as ONNX Runtime takes it). */
export interface HiddenTensor {
  name: string;
  dtype: TensorDtype;
  dims: number[];
  data: HiddenTensorData;
}

/**
 * The size of each dimension of a declared input. A symbolic dimension (a string) takes the size
 * the reference model's own input declares at that position when that is fixed, else 1; a fixed
 * size in the spec always wins. `declared` is the reference session's input shape (ignored when its
 * rank differs from the spec's).
 */
export function resolveInputShape(spec: TensorSpec, declared?: readonly Dimension[]): number[] {
  const usable = declared !== undefined && declared.length === spec.shape.length ? declared : undefined;
  return spec.shape.map((dimension, axis) => {
    if (typeof dimension === 'number') return dimension;
    const fromReference = usable?.[axis];
    return typeof fromReference === 'number' && Number.isSafeInteger(fromReference) && fromReference > 0 ? fromReference : 1;
  });
}

/** xoshiro128** (Blackman & Vigna): 128-bit state, 32-bit output, integer arithmetic only. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds from the first 16 bytes (little-endian words); an all-zero state is replaced. */
  constructor(seed: Uint8Array) {
    if (seed.length < 16) throw new Error('xoshiro128** needs 16 seed bytes');
    const view = new DataView(seed.buffer, seed.byteOffset, 16);
    this.s0 = view.getUint32(0, true);
    this.s1 = view.getUint32(4, true);
    this.s2 = view.getUint32(8, true);
    this.s3 = view.getUint32(12, true);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [-1, 1) with 24 bits: every value is exactly a float32. */
  signedUnitFloat32(): number {
    return (this.nextUint32() >>> 8) / 0x80_0000 - 1;
  }

  /** Uniform in [-1, 1) with 53 bits. */
  signedUnitFloat64(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 0x400_0000 + low) / 2 ** 52 - 1;
  }

  /** An integer in [0, n) for n ≤ 2^32 (multiply-shift; the bias is below n / 2^32). */
  below(n: number): number {
    return Math.floor((this.nextUint32() * n) / 0x1_0000_0000);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The stream of one input in one batch of one scoring. */
export function inputStream(secretSeed: string, scoringNonce: string, batch: number, inputName: string): Xoshiro128 {
  // A JSON array keeps the fields apart whatever characters the seed, nonce or name contain.
  const digest = createHash('sha256')
    .update(JSON.stringify([STREAM_DOMAIN, secretSeed, scoringNonce, batch, inputName]))
    .digest();
  return new Xoshiro128(new Uint8Array(digest.buffer, digest.byteOffset, digest.length));
}

function draw(input: ConcreteInput, random: Xoshiro128): HiddenTensorData {
  const count = input.dims.reduce((product, size) => product * size, 1);
  switch (input.dtype) {
    case 'float32': {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = random.signedUnitFloat32();
      return data;
    }
    case 'float64': {
      const data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = random.signedUnitFloat64();
      return data;
    }
    case 'int64': {
      const data = new BigInt64Array(count);
      for (let i = 0; i < count; i++) data[i] = BigInt(random.below(10));
      return data;
    }
    case 'int32': {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = random.below(10);
      return data;
    }
    case 'uint8': {
      const data = new Uint8Array(count);
      for (let i = 0; i < count; i++) data[i] = random.below(256);
      return data;
    }
    case 'int8': {
      const data = new Int8Array(count);
      for (let i = 0; i < count; i++) data[i] = random.below(256) - 128;
      return data;
    }
    case 'bool': {
      const data = new Uint8Array(count);
      for (let i = 0; i < count; i++) data[i] = random.below(2);
      return data;
    }
  }
}

/** Every input of batch `batch` (0-based) of the scoring identified by (secretSeed, scoringNonce). */
export function hiddenBatch(inputs: readonly ConcreteInput[], secretSeed: string, scoringNonce: string, batch: number): HiddenTensor[] {
  return inputs.map((input) => ({
    name: input.name,
    dtype: input.dtype,
    dims: [...input.dims],
    data: draw(input, inputStream(secretSeed, scoringNonce, batch, input.name)),
  }));
}
