import { isPrintable } from '../text';
import { AuthError, AuthErrorCode } from './auth-errors';
import { COMMON_PASSWORDS_TEXT } from './common-passwords.data';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON_PASSWORDS = new Set(COMMON_PASSWORDS_TEXT.split('\n').filter(Boolean));

/**
 * Password rules (NIST SP 800-63B style): 8–128 characters counted as Unicode code points, used
 * whole (never truncated), and not among the 3,000 most common passwords (case-insensitive).
 * @throws AuthError WEAK_PASSWORD saying which rule failed.
 */
export function assertAcceptablePassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new AuthError(
      AuthErrorCode.WeakPassword,
      `password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters (got ${length})`,
    );
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    throw new AuthError(AuthErrorCode.WeakPassword, 'password is among the 3,000 most common passwords; choose another');
  }
}

const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const HANDLE = /^[a-z0-9](?:[a-z0-9_-]{1,30})[a-z0-9]$/;

/** Emails are compared lower-cased and trimmed. @throws AuthError INVALID_ACCOUNT_DETAILS */
export function normaliseEmail(email: string): string {
  const normalised = email.trim().toLowerCase();
  if (normalised.length > 254 || !EMAIL.test(normalised)) {
    throw new AuthError(AuthErrorCode.InvalidAccountDetails, 'email must be an address like ada@example.com (at most 254 characters)');
  }
  return normalised;
}

/** Handles are public names: 3–32 lower-case letters, digits, '-' or '_', not starting or ending with '-' or '_'. */
export function assertValidHandle(handle: string): void {
  if (!HANDLE.test(handle)) {
    throw new AuthError(
      AuthErrorCode.InvalidAccountDetails,
      "handle must be 3–32 lower-case letters, digits, '-' or '_', starting and ending with a letter or digit",
    );
  }
}

export const API_TOKEN_NAME_MAX_LENGTH = 64;

/** @throws AuthError INVALID_TOKEN_NAME */
export function normaliseTokenName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > API_TOKEN_NAME_MAX_LENGTH || !isPrintable(trimmed)) {
    throw new AuthError(AuthErrorCode.InvalidTokenName, `token name must be 1–${API_TOKEN_NAME_MAX_LENGTH} printable characters`);
  }
  return trimmed;
}

/** The per-account login limit (DESIGN.md §6). */
export const LOGIN_FAILURE_LIMIT = 100;
export const LOGIN_FAILURE_WINDOW_MS = 60 * 60 * 1000;
