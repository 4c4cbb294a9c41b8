/**
 * The part of `WebAssembly.Memory` the runner needs. The project compiles against ES2024 and
 * @types/node, which declare no WebAssembly types (they live in lib.dom), and pulling in the DOM
 * library for one constructor would type `window`, `document`, `fetch`… everywhere.
 */
export interface LinearMemory {
  readonly buffer: ArrayBuffer;
}

interface WebAssemblyNamespace {
  Memory: new (descriptor: { initial: number; maximum: number }) => LinearMemory;
}

/** A linear memory that can never grow past `maximumPages` (64 KiB each). */
export function newLinearMemory(initialPages: number, maximumPages: number): LinearMemory {
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyNamespace };
  return new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages });
}
