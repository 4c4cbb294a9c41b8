import { canonicalJson } from '../canonical-json';
import { TIMING_NUMBERS } from '../submissions/stored-timing';

/**
 * A result certificate: the canonical JSON of what was measured, signed with the platform's
 * ed25519 key (docs/certificates.md). Anyone can check it with the public key; the platform also
 * checks that it issued it and has not revoked it (`verifyCertificate`).
 */
export const CERTIFICATE_FORMAT_VERSION = 1;
export const CERTIFICATE_ALGORITHM = 'ed25519';
/** The `SigningKey.purpose` of the key that signs new certificates (retired keys are renamed). */
export const CERTIFICATE_KEY_PURPOSE = 'certificate-ed25519';
/** The canonical text of a certificate is at most this many UTF-8 bytes: every part is bounded so it fits. */
export const CERTIFICATE_MAX_BYTES = 16 * 1024;

/**
 * Bounds on the parts that come from the result (outputs, flags; string lengths in UTF-16 units):
 * even all in 3-byte characters they keep a certificate under CERTIFICATE_MAX_BYTES.
 */
export const CERTIFICATE_LIMITS = {
  outputs: 16,
  outputName: 64,
  flags: 16,
  flag: 64,
  text: 120,
} as const;

export type CertificateVerdict = 'PASSED' | 'INCONCLUSIVE' | 'FAILED';

export interface CertificateParityOutput {
  name: string;
  passed: boolean;
  relativeL2?: number;
  withinTolerance?: number;
  nonFinite?: number;
  top1Agreement?: number;
}

/** A summary of the result's metrics: the numbers a reader checks, never raw per-round data. */
export interface CertificateMetrics {
  speedup?: number;
  speedupLow?: number;
  speedupHigh?: number;
  target?: number;
  baselineP50Ms?: number;
  baselineP90Ms?: number;
  candidateP50Ms?: number;
  candidateP90Ms?: number;
  rounds?: number;
  runsPerRound?: number;
  baselinePeakMemoryBytes?: number;
  candidatePeakMemoryBytes?: number;
  parity?: { passed: boolean; batches: number; outputs: CertificateParityOutput[]; outputsOmitted?: number };
  /** AI_FREE_SESSION: hidden tests passed of total (never their names or data; no integrity evidence, which is private). */
  tests?: { passed: number; total: number };
}

/** Where it was measured. The scorer's host name and id stay private. */
export interface CertificateEnvironment {
  deviceClass?: string;
  executionProvider?: string;
  ortVersion?: string;
  cpuModel?: string;
  gpuModel?: string;
  scorerVersion?: string;
}

export interface CertificatePayload {
  v: typeof CERTIFICATE_FORMAT_VERSION;
  id: string;
  /** sha256 of the signing key's SPKI DER, first 16 hex digits. */
  keyId: string;
  challenge: { slug: string; version: number };
  /** The learner's public handle. */
  learner: string;
  submission: string;
  artifacts: { model?: string; source?: string };
  verdict: CertificateVerdict;
  points: number;
  metrics: CertificateMetrics;
  environment: CertificateEnvironment;
  flags: string[];
  issuedAt: string;
}

/** What a certificate is made from: the stored result and the rows around it. */
export interface CertificateSource {
  id: string;
  keyId: string;
  challenge: { slug: string; version: number };
  learnerHandle: string;
  submissionId: string;
  modelSha256: string | null;
  sourceSha256: string | null;
  verdict: CertificateVerdict;
  points: number;
  metrics: Record<string, unknown>;
  environment: Record<string, unknown>;
  flags: readonly string[];
  issuedAt: Date;
}

/** A certificate and its canonical text (what is signed). */
export interface BuiltCertificate {
  payload: CertificatePayload;
  canonical: string;
}

/**
 * The certificate of a result, with its canonical text. Every part taken from the result is
 * bounded (outputs, flags, strings), so the text stays under CERTIFICATE_MAX_BYTES whatever the
 * scorer stored. @throws Error if it does not (a bug: the bounds above are meant to make that impossible).
 */
export function buildCertificate(source: CertificateSource): BuiltCertificate {
  const payload: CertificatePayload = {
    v: CERTIFICATE_FORMAT_VERSION,
    id: source.id,
    keyId: source.keyId,
    challenge: { slug: bounded(source.challenge.slug), version: source.challenge.version },
    learner: bounded(source.learnerHandle),
    submission: source.submissionId,
    artifacts: {
      ...(source.modelSha256 ? { model: source.modelSha256 } : {}),
      ...(source.sourceSha256 ? { source: source.sourceSha256 } : {}),
    },
    verdict: source.verdict,
    points: finite(source.points) ?? 0,
    metrics: certificateMetrics(source.metrics),
    environment: certificateEnvironment(source.environment),
    flags: source.flags.slice(0, CERTIFICATE_LIMITS.flags).map((flag) => bounded(flag, CERTIFICATE_LIMITS.flag)),
    issuedAt: source.issuedAt.toISOString(),
  };
  const canonical = canonicalJson(payload);
  const bytes = Buffer.byteLength(canonical, 'utf8');
  if (bytes > CERTIFICATE_MAX_BYTES) throw new Error(`certificate ${source.id} is ${bytes} bytes, over ${CERTIFICATE_MAX_BYTES}`);
  return { payload, canonical };
}

/** The summary of `metrics` a certificate carries: timing (`metrics.timing`), parity (`metrics.parity`), hidden tests passed (`metrics.tests`). */
export function certificateMetrics(metrics: Record<string, unknown>): CertificateMetrics {
  const timing = record(metrics.timing);
  const summary: CertificateMetrics = {};
  const numbers = [...TIMING_NUMBERS, 'runsPerRound', 'baselinePeakMemoryBytes', 'candidatePeakMemoryBytes'] as const;
  for (const name of numbers) {
    const value = finite(timing?.[name]) ?? finite(metrics[name]);
    if (value !== undefined) summary[name] = value;
  }
  if (Array.isArray(timing?.rounds)) summary.rounds = timing.rounds.length;
  const parity = record(metrics.parity);
  if (parity && typeof parity.passed === 'boolean') {
    const outputs = Array.isArray(parity.outputs) ? parity.outputs.map(record).filter((output) => output !== undefined) : [];
    summary.parity = {
      passed: parity.passed,
      batches: finite(parity.batches) ?? 0,
      outputs: outputs.slice(0, CERTIFICATE_LIMITS.outputs).map(parityOutput),
      ...(outputs.length > CERTIFICATE_LIMITS.outputs ? { outputsOmitted: outputs.length - CERTIFICATE_LIMITS.outputs } : {}),
    };
  }
  const tests = record(metrics.tests);
  const passed = finite(tests?.passed);
  const total = finite(tests?.total);
  if (passed !== undefined && total !== undefined) summary.tests = { passed, total };
  return summary;
}

function parityOutput(output: Record<string, unknown>): CertificateParityOutput {
  const summary: CertificateParityOutput = {
    name: bounded(typeof output.name === 'string' ? output.name : '', CERTIFICATE_LIMITS.outputName),
    passed: output.passed === true,
  };
  for (const name of ['relativeL2', 'withinTolerance', 'nonFinite', 'top1Agreement'] as const) {
    const value = finite(output[name]);
    if (value !== undefined) summary[name] = value;
  }
  return summary;
}

function certificateEnvironment(environment: Record<string, unknown>): CertificateEnvironment {
  const summary: CertificateEnvironment = {};
  for (const name of ['deviceClass', 'executionProvider', 'ortVersion', 'cpuModel', 'gpuModel', 'scorerVersion'] as const) {
    const value = environment[name];
    if (typeof value === 'string' && value !== '') summary[name] = bounded(value);
  }
  return summary;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** JSON has no NaN or ±Inf: such values are left out rather than written as null. */
function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** At most `limit` UTF-16 units, never ending in half a surrogate pair. */
function bounded(text: string, limit: number = CERTIFICATE_LIMITS.text): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
