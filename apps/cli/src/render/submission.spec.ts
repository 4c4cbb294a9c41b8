import { renderSubmission, submissionLinks, type SubmissionView } from './submission';
import { plainStyle } from './text';

const scored: SubmissionView = {
  id: 'b5f1a7e0-0000-4000-8000-000000000001',
  status: 'SCORED',
  phase: null,
  progress: 1,
  challenge: { slug: 'pruned-mlp-speedup', title: 'Cash in a pruning run' },
  rejection: null,
  result: {
    verdict: 'PASSED',
    points: 200,
    flags: [],
    speedup: 6.41,
    speedupLow: 6.2,
    speedupHigh: 6.634,
    targetSpeedup: 3,
    baselineP50Ms: 1.52,
    candidateP50Ms: 0.237,
    certificateId: 'c0000000-0000-4000-8000-000000000002',
    parity: { passed: true, batches: 16, outputs: [{ name: 'scores', passed: true, relativeL2: 3.1e-7, reason: null }] },
  },
};

describe('a submission as submit and status print it', () => {
  it('shows the verdict, the speedup with its interval, parity, p50s, points and links', () => {
    const links = submissionLinks(scored, (path) => `http://localhost:3000${path}`);
    expect(renderSubmission(scored, links, 80, plainStyle).split('\n')).toEqual([
      'Submission   b5f1a7e0-0000-4000-8000-000000000001',
      'Challenge    pruned-mlp-speedup',
      'Status       SCORED',
      'Verdict      PASSED',
      'Speedup      6.41× (95% interval 6.20×–6.63×, target ≥ 3.00×)',
      'Parity       passed on 16 batches (scores ok, rel. L2 3.1e-7)',
      'p50          reference 1.520 ms, yours 0.237 ms',
      'Points       200',
      'Report       http://localhost:3000/submissions/b5f1a7e0-0000-4000-8000-000000000001/report.svg',
      'Certificate  http://localhost:3000/certificates/c0000000-0000-4000-8000-000000000002',
    ]);
  });

  it('shows why a rejected submission was rejected, and links nothing it does not have', () => {
    const rejected: SubmissionView = {
      ...scored,
      status: 'REJECTED',
      result: null,
      rejection: { code: 'MODEL_UNLOADABLE', message: 'not an ONNX model' },
    };
    const links = submissionLinks(rejected, (path) => path);
    expect(links).toEqual({ report: null, certificate: null });
    expect(renderSubmission(rejected, links, 80, plainStyle)).toContain('Rejected     MODEL_UNLOADABLE: not an ONNX model');
  });
});
