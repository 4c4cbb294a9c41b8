import * as ort from 'onnxruntime-node';

/** Which ONNX Runtime execution providers work here, tried one at a time on a trusted model. */
export interface ProvidersTask {
  /** A tiny model the scorer built (one Identity node), input `x` float32 [1]. */
  model: Uint8Array;
  /** Providers to try, e.g. ['cuda', 'cpu']. */
  candidates: readonly string[];
}

export interface ProvidersResult {
  /** What this build of onnxruntime-node says it supports. */
  supportedBackends: string[];
  /** The candidates that created a session and ran it. */
  available: string[];
  /** The candidates that failed, with ONNX Runtime's reason (trimmed). */
  refused: { provider: string; message: string }[];
  ortVersion: string;
}

/**
 * Asking ORT for a provider it lacks throws (it does not fall back), and one bad provider in a
 * list fails the whole session: so each candidate gets its own session.
 */
export async function probeProviders(task: ProvidersTask): Promise<ProvidersResult> {
  const available: string[] = [];
  const refused: ProvidersResult['refused'] = [];
  for (const provider of task.candidates) {
    let session: ort.InferenceSession | undefined;
    try {
      session = await ort.InferenceSession.create(task.model, { executionProviders: [provider], intraOpNumThreads: 1 });
      await session.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
      available.push(provider);
    } catch (error) {
      refused.push({ provider, message: String((error as Error).message ?? error).slice(0, 300) });
    } finally {
      await session?.release();
    }
  }
  const supportedBackends = ort.listSupportedBackends().map((backend) => backend.name);
  return { supportedBackends, available, refused, ortVersion: ort.env.versions.common ?? 'unknown' };
}
