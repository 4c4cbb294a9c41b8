import { ReviewError, ReviewErrorCode } from './review-errors';

/** How long a claim holds a review before it returns to the queue (renewable). */
export const REVIEW_LEASE_MS = 30 * 60_000;
/** Claims a mentor may hold at once. */
export const MAX_CLAIMS_PER_MENTOR = 4;
/** A review PENDING this long is escalated (a flag admins see). */
export const ESCALATE_AFTER_MS = 7 * 24 * 3_600_000;
/** CHANGES_REQUESTED with no resubmission this long closes as ABANDONED. */
export const ABANDON_AFTER_MS = 28 * 24 * 3_600_000;
/** How long a resubmission after CHANGES_REQUESTED is kept for the mentor who asked for the changes. */
export const RESUBMISSION_RESERVED_MS = 24 * 3_600_000;
/** The longest comment and summary, in characters. */
export const MAX_COMMENT_CHARS = 10_000;

export type ReviewReason = 'REQUIRED' | 'FLAGGED' | 'REQUESTED';
export type ReviewStateName = 'PENDING' | 'CLAIMED' | 'CHANGES_REQUESTED' | 'APPROVED' | 'ABANDONED';
export type ReviewKind = 'OPTIMIZE_MODEL' | 'PORT_TO_JAX' | 'DOCUMENT_RESULTS' | 'AI_FREE_SESSION';

/** The kinds whose results need a mentor's approval before their points count (on leaderboards too). */
export const KINDS_REQUIRING_REVIEW: readonly ReviewKind[] = ['DOCUMENT_RESULTS', 'PORT_TO_JAX'];

/**
 * Whether a scored result opens (or reopens) a review by itself: always for the kinds that
 * require one, and for any result with flags — its own (e.g. SPEEDUP_IMPLAUSIBLE,
 * CLAIM_EXCEEDS_MEASUREMENT) or its integrity evidence's (e.g. EXTERNAL_PASTE).
 */
export function automaticReviewReason(kind: ReviewKind, flags: readonly string[]): ReviewReason | null {
  if (KINDS_REQUIRING_REVIEW.includes(kind)) return 'REQUIRED';
  return flags.length > 0 ? 'FLAGGED' : null;
}

export interface RubricCriterion {
  criterion: string;
  description?: string;
  maxScore: number;
}

/** The rubric of a review whose challenge defines none (model ports, flagged results). */
export const DEFAULT_REVIEW_RUBRIC: readonly RubricCriterion[] = Object.freeze([
  { criterion: 'correct', description: 'The work does what it claims, and the evidence supports it.', maxScore: 5 },
  { criterion: 'clear', description: 'Another engineer can follow and reuse it.', maxScore: 5 },
]);

export interface RubricScore {
  criterion: string;
  score: number;
}

/**
 * Checks rubric scores against the rubric: every criterion exactly once, each an integer from 0
 * to its maxScore. An approval needs the whole rubric; a request for changes may score none.
 * @throws ReviewError RUBRIC_INVALID
 */
export function validateRubric(
  rubric: readonly RubricCriterion[],
  scores: readonly RubricScore[],
  decision: 'APPROVE' | 'REQUEST_CHANGES',
): void {
  const fail = (problem: string, message: string) => {
    throw new ReviewError(ReviewErrorCode.RubricInvalid, message, { problem });
  };
  if (decision === 'REQUEST_CHANGES' && scores.length === 0) return;
  const known = new Map(rubric.map((item) => [item.criterion, item]));
  const seen = new Set<string>();
  for (const { criterion, score } of scores) {
    const item = known.get(criterion);
    if (!item) fail('UNKNOWN_CRITERION', `"${criterion.slice(0, 60)}" is not a criterion of this rubric (${[...known.keys()].join(', ')})`);
    if (seen.has(criterion)) fail('DUPLICATE_CRITERION', `"${criterion}" is scored twice`);
    seen.add(criterion);
    if (!Number.isInteger(score) || score < 0 || score > item!.maxScore) {
      fail('SCORE_OUT_OF_RANGE', `"${criterion}" takes an integer from 0 to ${item!.maxScore}, got ${score}`);
    }
  }
  const missing = rubric.filter((item) => !seen.has(item.criterion)).map((item) => item.criterion);
  if (missing.length > 0) fail('MISSING_CRITERIA', `score every criterion: ${missing.join(', ')} missing`);
}

/**
 * The points an approval grants: the result's automatic points scaled by the rubric, from half
 * (every criterion 0) to all of them (every criterion at its maximum). The automatic checks
 * already cost points for what they caught; the mentor's rubric weighs what they cannot.
 */
export function approvedPoints(resultPoints: number, rubric: readonly RubricCriterion[], scores: readonly RubricScore[]): number {
  const max = rubric.reduce((sum, item) => sum + item.maxScore, 0);
  const got = scores.reduce((sum, item) => sum + item.score, 0);
  const share = max > 0 ? got / max : 1;
  return Math.round(resultPoints * (0.5 + 0.5 * share) * 100) / 100;
}

/** Checks a comment's body. @throws ReviewError COMMENT_INVALID */
export function validateCommentBody(body: string): void {
  if (body.trim() === '') throw new ReviewError(ReviewErrorCode.CommentInvalid, 'the comment is empty', { problem: 'EMPTY' });
  if (body.length > MAX_COMMENT_CHARS) {
    throw new ReviewError(ReviewErrorCode.CommentInvalid, `a comment holds at most ${MAX_COMMENT_CHARS} characters`, {
      problem: 'TOO_LONG',
      limit: MAX_COMMENT_CHARS,
    });
  }
}

/** What a comment may be anchored to in the submission under review. */
export interface AnchorTargets {
  /** The report's heading anchors (DOCUMENT_RESULTS). */
  headings: readonly string[];
  /** The source archive's files and their line counts (PORT_TO_JAX). */
  files: ReadonlyMap<string, number>;
}

/**
 * Checks an anchor: `heading:<anchor>` of the report, or `file:<path>:<line>` of the source
 * archive (line from 1 to the file's line count). @throws ReviewError COMMENT_INVALID
 */
export function validateAnchor(anchor: string, targets: AnchorTargets): void {
  const unknown = (message: string): never => {
    throw new ReviewError(ReviewErrorCode.CommentInvalid, message, { problem: 'ANCHOR_UNKNOWN' });
  };
  if (anchor.startsWith('heading:')) {
    const heading = anchor.slice('heading:'.length);
    if (!targets.headings.includes(heading))
      unknown(`the report has no heading "${heading.slice(0, 80)}"; anchors: ${targets.headings.slice(0, 20).join(', ') || 'none'}`);
    return;
  }
  const file = /^file:(.+):(\d{1,7})$/.exec(anchor);
  if (file) {
    const lines = targets.files.get(file[1]!);
    const line = Number(file[2]);
    if (lines === undefined) unknown(`the source archive has no file "${file[1]!.slice(0, 120)}"`);
    if (line < 1 || line > lines!) unknown(`${file[1]} has lines 1–${lines}, not ${line}`);
    return;
  }
  unknown('an anchor is "heading:<anchor>" of the report or "file:<path>:<line>" of the source archive');
}
