import { utf8ByteLength } from './edit-log';
import { SessionError, SessionErrorCode } from './session-errors';

/** The languages the code runner takes: TypeScript is transpiled (not type-checked) on the host. */
export const CODE_LANGUAGES = ['javascript', 'typescript'] as const;
export type SubmittedCodeLanguage = (typeof CODE_LANGUAGES)[number];

/** The largest submission, in bytes of UTF-8: the size of the largest single edit event, far above any solution. */
export const MAX_CODE_BYTES = 64 * 1024;

/**
 * Checks code submitted from an AI-free session before anything stores it.
 * @throws SessionError LANGUAGE_UNSUPPORTED, CODE_EMPTY, CODE_TOO_LARGE
 */
export function validateSubmittedCode(code: string, language: string): SubmittedCodeLanguage {
  if (!(CODE_LANGUAGES as readonly string[]).includes(language)) {
    throw new SessionError(
      SessionErrorCode.LanguageUnsupported,
      `language must be one of ${CODE_LANGUAGES.join(', ')}; got "${language.slice(0, 40)}"`,
      { languages: CODE_LANGUAGES.join(',') },
    );
  }
  if (code.trim() === '') throw new SessionError(SessionErrorCode.CodeEmpty, 'the code is empty; submit the function the brief asks for');
  const bytes = utf8ByteLength(code);
  if (bytes > MAX_CODE_BYTES) {
    throw new SessionError(SessionErrorCode.CodeTooLarge, `the code is ${bytes} bytes of UTF-8; at most ${MAX_CODE_BYTES} are taken`, {
      limit: MAX_CODE_BYTES,
    });
  }
  return language as SubmittedCodeLanguage;
}
