/** The code of an AI_FREE_SESSION submission, the session it was written in and its edit-log cutoff. */
export interface SubmittedCode {
  codingSessionId: string;
  code: string;
  language: string;
  /** The server's receipt time of the submission, ms since the session started. */
  editLogCutoffMs: number;
}

export const SUBMITTED_CODE = { codingSessionId: true, code: true, language: true, editLogCutoffMs: true } as const;

/** The submitted code of a row selected with SUBMITTED_CODE, or null for a submission of another kind. */
export function submittedCodeOf(row: { [K in keyof SubmittedCode]: SubmittedCode[K] | null }): SubmittedCode | null {
  const { codingSessionId, code, language, editLogCutoffMs } = row;
  if (codingSessionId === null || code === null || language === null || editLogCutoffMs === null) return null;
  return { codingSessionId, code, language, editLogCutoffMs };
}
