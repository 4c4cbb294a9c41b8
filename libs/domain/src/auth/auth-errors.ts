import { DomainError } from '../errors/domain-error';

export enum AuthErrorCode {
  /** Email and password do not match an account (deliberately not saying which). */
  InvalidCredentials = 'INVALID_CREDENTIALS',
  /** The access token is missing, malformed, badly signed, of the wrong audience or issuer. */
  TokenInvalid = 'TOKEN_INVALID',
  /** The access token has expired: refresh it. */
  TokenExpired = 'TOKEN_EXPIRED',
  /** The session was ended (logout, or a reused refresh token). */
  SessionRevoked = 'SESSION_REVOKED',
  /** A refresh token was used twice: every session of the account was ended. */
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  /** The refresh token is unknown or expired. */
  RefreshTokenInvalid = 'REFRESH_TOKEN_INVALID',
  /** The password breaks the password rules; the message says which. */
  WeakPassword = 'WEAK_PASSWORD',
  /** Email or handle malformed; the message says which. */
  InvalidAccountDetails = 'INVALID_ACCOUNT_DETAILS',
  EmailTaken = 'EMAIL_TAKEN',
  HandleTaken = 'HANDLE_TAKEN',
  /** Too many failed logins for this account in the last hour; `details.retryAt`. */
  LoginRateLimited = 'LOGIN_RATE_LIMITED',
  /** The API token name is empty, too long, or already used by another active token. */
  InvalidTokenName = 'INVALID_TOKEN_NAME',
  /** The last admin cannot stop being one. */
  LastAdmin = 'LAST_ADMIN',
}

export class AuthError extends DomainError<AuthErrorCode> {}
