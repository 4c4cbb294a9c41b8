import type { CertificateSource } from '@app/domain';
import { TimingFactory } from './timing.factory';

/** A scored OPTIMIZE_MODEL result with parity and timing, as a certificate is built from it. */
export const CertificateSourceFactory = {
  build(overrides: Partial<CertificateSource> = {}): CertificateSource {
    return {
      id: '3f2b8c1e-9a4d-4e5f-8a6b-7c8d9e0f1a2b',
      keyId: '0123456789abcdef',
      challenge: { slug: 'pruned-mlp-speedup', version: 2 },
      learnerHandle: 'ada',
      submissionId: '11111111-2222-4333-8444-555555555555',
      modelSha256: 'a'.repeat(64),
      sourceSha256: null,
      verdict: 'PASSED',
      points: 123.45,
      metrics: {
        parity: {
          passed: true,
          batches: 16,
          outputs: [
            { name: 'scores', passed: true, relativeL2: 1e-7, worstAbsError: 2e-6, worstIndex: [3, 4], withinTolerance: 1, nonFinite: 0 },
          ],
        },
        timing: TimingFactory.build(),
      },
      environment: {
        scorerId: '99999999-2222-4333-8444-555555555555',
        host: 'scorer-7.internal',
        scorerVersion: '0.1.0',
        deviceClass: 'cpu',
        executionProvider: 'cpu',
        ortVersion: '1.30.0',
        cpuModel: 'AMD EPYC',
        gpuModel: null,
      },
      flags: [],
      issuedAt: new Date('2026-11-30T12:00:00.000Z'),
      ...overrides,
    };
  },
};
