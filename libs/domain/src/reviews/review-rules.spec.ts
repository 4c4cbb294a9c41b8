import {
  approvedPoints,
  automaticReviewReason,
  DEFAULT_REVIEW_RUBRIC,
  MAX_COMMENT_CHARS,
  validateAnchor,
  validateCommentBody,
  validateRubric,
} from './review-rules';

const rubric = [
  { criterion: 'reproducible', maxScore: 5 },
  { criterion: 'honest-numbers', maxScore: 5 },
];

function problemOf(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return (error as { code: string; details: { problem: string } }).details.problem;
  }
  return null;
}

describe('review rules', () => {
  it('opens a review for the kinds that need one, and for any flagged result', () => {
    expect(automaticReviewReason('DOCUMENT_RESULTS', [])).toBe('REQUIRED');
    expect(automaticReviewReason('PORT_TO_JAX', [])).toBe('REQUIRED');
    expect(automaticReviewReason('OPTIMIZE_MODEL', [])).toBeNull();
    expect(automaticReviewReason('OPTIMIZE_MODEL', ['SPEEDUP_IMPLAUSIBLE'])).toBe('FLAGGED');
    expect(automaticReviewReason('AI_FREE_SESSION', ['EXTERNAL_PASTE'])).toBe('FLAGGED');
  });

  it('approves only a whole rubric of integers within range; a request for changes may score nothing', () => {
    expect(() => validateRubric(rubric, [], 'REQUEST_CHANGES')).not.toThrow();
    expect(() =>
      validateRubric(
        rubric,
        [
          { criterion: 'reproducible', score: 5 },
          { criterion: 'honest-numbers', score: 0 },
        ],
        'APPROVE',
      ),
    ).not.toThrow();
    expect(problemOf(() => validateRubric(rubric, [{ criterion: 'reproducible', score: 5 }], 'APPROVE'))).toBe('MISSING_CRITERIA');
    expect(problemOf(() => validateRubric(rubric, [{ criterion: 'charm', score: 5 }], 'APPROVE'))).toBe('UNKNOWN_CRITERION');
    expect(problemOf(() => validateRubric(rubric, [{ criterion: 'reproducible', score: 6 }], 'APPROVE'))).toBe('SCORE_OUT_OF_RANGE');
    expect(problemOf(() => validateRubric(rubric, [{ criterion: 'reproducible', score: 2.5 }], 'APPROVE'))).toBe('SCORE_OUT_OF_RANGE');
    expect(
      problemOf(() =>
        validateRubric(
          rubric,
          [
            { criterion: 'reproducible', score: 1 },
            { criterion: 'reproducible', score: 1 },
          ],
          'APPROVE',
        ),
      ),
    ).toBe('DUPLICATE_CRITERION');
  });

  it('grants half the points for a zero rubric and all of them for a full one', () => {
    expect(
      approvedPoints(200, rubric, [
        { criterion: 'reproducible', score: 0 },
        { criterion: 'honest-numbers', score: 0 },
      ]),
    ).toBe(100);
    expect(
      approvedPoints(200, rubric, [
        { criterion: 'reproducible', score: 5 },
        { criterion: 'honest-numbers', score: 5 },
      ]),
    ).toBe(200);
    expect(
      approvedPoints(200, rubric, [
        { criterion: 'reproducible', score: 5 },
        { criterion: 'honest-numbers', score: 0 },
      ]),
    ).toBe(150);
    expect(DEFAULT_REVIEW_RUBRIC.length).toBeGreaterThan(0);
  });

  it('takes comments of 1 to MAX_COMMENT_CHARS characters', () => {
    expect(problemOf(() => validateCommentBody('  '))).toBe('EMPTY');
    expect(problemOf(() => validateCommentBody('x'.repeat(MAX_COMMENT_CHARS + 1)))).toBe('TOO_LONG');
    expect(() => validateCommentBody('x'.repeat(MAX_COMMENT_CHARS))).not.toThrow();
  });

  it('anchors comments to a heading of the report or a line of the source archive', () => {
    const targets = { headings: ['results', 'method'], files: new Map([['port/model.py', 40]]) };
    expect(() => validateAnchor('heading:results', targets)).not.toThrow();
    expect(() => validateAnchor('file:port/model.py:40', targets)).not.toThrow();
    expect(problemOf(() => validateAnchor('heading:nope', targets))).toBe('ANCHOR_UNKNOWN');
    expect(problemOf(() => validateAnchor('file:port/model.py:41', targets))).toBe('ANCHOR_UNKNOWN');
    expect(problemOf(() => validateAnchor('file:port/model.py:0', targets))).toBe('ANCHOR_UNKNOWN');
    expect(problemOf(() => validateAnchor('file:other.py:1', targets))).toBe('ANCHOR_UNKNOWN');
    expect(problemOf(() => validateAnchor('line 3', targets))).toBe('ANCHOR_UNKNOWN');
  });
});
