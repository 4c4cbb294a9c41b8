import { CertificateSourceFactory } from '@app/testing';
import { canonicalJson } from '../canonical-json';
import { buildCertificate, CERTIFICATE_LIMITS, CERTIFICATE_MAX_BYTES } from './certificate';

describe('buildCertificate', () => {
  it('holds the result’s identity, verdict and a summary of its metrics, as canonical JSON', () => {
    const { payload, canonical } = buildCertificate(CertificateSourceFactory.build());
    expect(payload).toEqual({
      v: 1,
      id: '3f2b8c1e-9a4d-4e5f-8a6b-7c8d9e0f1a2b',
      keyId: '0123456789abcdef',
      challenge: { slug: 'pruned-mlp-speedup', version: 2 },
      learner: 'ada',
      submission: '11111111-2222-4333-8444-555555555555',
      artifacts: { model: 'a'.repeat(64) },
      verdict: 'PASSED',
      points: 123.45,
      metrics: {
        speedup: 1.42,
        speedupLow: 1.35,
        speedupHigh: 1.5,
        target: 1.1,
        baselineP50Ms: 3.14,
        baselineP90Ms: 3.27,
        candidateP50Ms: 2.21,
        candidateP90Ms: 2.3,
        rounds: 30,
        runsPerRound: 20,
        parity: {
          passed: true,
          batches: 16,
          outputs: [{ name: 'scores', passed: true, relativeL2: 1e-7, withinTolerance: 1, nonFinite: 0 }],
        },
      },
      environment: { scorerVersion: '0.1.0', deviceClass: 'cpu', executionProvider: 'cpu', ortVersion: '1.30.0', cpuModel: 'AMD EPYC' },
      flags: [],
      issuedAt: '2026-11-30T12:00:00.000Z',
    });
    expect(canonical.startsWith('{"artifacts":{"model":"aaaa')).toBe(true);
    expect(canonicalJson(JSON.parse(canonical))).toBe(canonical);
    expect(JSON.parse(canonical)).toEqual(payload);
  });

  it('keeps the scorer’s host and id, raw rounds and settings out of a public certificate', () => {
    const { canonical } = buildCertificate(CertificateSourceFactory.build());
    expect(canonical).not.toContain('scorer-7.internal');
    expect(canonical).not.toContain('99999999-2222');
    expect(canonical).not.toContain('baselineFirst');
    expect(canonical).not.toContain('threads');
  });

  it("carries an AI-free result's tests passed, never the hidden tests, the mentor view or the integrity evidence", () => {
    const { payload, canonical } = buildCertificate(
      CertificateSourceFactory.build({
        modelSha256: null,
        metrics: {
          tests: { passed: 17, total: 17, compileError: null, tests: [{ name: 'ties keep the lower index', passed: true }] },
          mentorTests: { tests: [{ output: 'hidden-argument-42' }] },
          integrity: { flags: ['EXTERNAL_PASTE'], pastedChars: 512 },
          comparison: { learner: { lines: 20 }, ai: { lines: 18 } },
        },
        flags: [],
      }),
    );
    expect(payload.metrics).toEqual({ tests: { passed: 17, total: 17 } });
    for (const secret of ['ties keep the lower index', 'hidden-argument-42', 'EXTERNAL_PASTE', 'pastedChars'])
      expect(canonical).not.toContain(secret);
  });

  it('names the source archive of a port, and leaves non-finite numbers out', () => {
    const { payload } = buildCertificate(
      CertificateSourceFactory.build({
        sourceSha256: 'b'.repeat(64),
        metrics: { timing: { speedup: null, speedupLow: Number.NaN, target: 1.1 } },
      }),
    );
    expect(payload.artifacts).toEqual({ model: 'a'.repeat(64), source: 'b'.repeat(64) });
    expect(payload.metrics).toEqual({ target: 1.1 });
  });

  it('stays under its size bound whatever the scorer stored (huge names, many outputs and flags)', () => {
    const huge = '€'.repeat(100_000); // 3 UTF-8 bytes per UTF-16 unit: the worst case
    const { payload, canonical } = buildCertificate(
      CertificateSourceFactory.build({
        learnerHandle: huge,
        challenge: { slug: huge, version: 1 },
        flags: Array.from({ length: 1000 }, () => huge),
        metrics: {
          parity: {
            passed: false,
            batches: 16,
            outputs: Array.from({ length: 5000 }, (_, i) => ({
              name: i === 0 ? `0${'\u{1F600}'.repeat(200)}` : huge,
              passed: false,
              // Numbers as long as JavaScript prints them.
              relativeL2: -Math.PI * 1e-300,
              withinTolerance: 1 / 3,
              nonFinite: Number.MAX_SAFE_INTEGER,
              top1Agreement: -2 / 3,
            })),
          },
          timing: { rounds: Array.from({ length: 100_000 }, () => ({ baselineMs: 1, candidateMs: 1 })) },
        },
        environment: { cpuModel: huge, gpuModel: huge, ortVersion: huge, executionProvider: huge, deviceClass: huge, scorerVersion: huge },
      }),
    );
    expect(Buffer.byteLength(canonical)).toBeLessThanOrEqual(CERTIFICATE_MAX_BYTES);
    expect(payload.metrics.parity!.outputs).toHaveLength(CERTIFICATE_LIMITS.outputs);
    expect(payload.metrics.parity!.outputsOmitted).toBe(5000 - CERTIFICATE_LIMITS.outputs);
    expect(payload.flags).toHaveLength(CERTIFICATE_LIMITS.flags);
    expect(payload.metrics.rounds).toBe(100_000);
    // Cutting a name never leaves half of a surrogate pair.
    expect(payload.metrics.parity!.outputs[0]!.name).toBe(`0${'\u{1F600}'.repeat(CERTIFICATE_LIMITS.outputName / 2 - 1)}`);
  });
});
