import { canonicalJson } from '../canonical-json';
import { CERTIFICATE_ALGORITHM, CERTIFICATE_FORMAT_VERSION } from './certificate';
import { CertificateError, CertificateErrorCode } from './certificate-errors';
import { certificateSignatureMatches, decodeCertificateSignature } from './certificate-signing';

/** What `GET /certificates/:id` answers, and what `verifyCertificate` takes back (as a JSON string). */
export interface CertificateDocument {
  /** The canonical JSON text of the certificate: exactly the bytes that were signed. */
  certificate: string;
  /** ed25519 signature of the text's UTF-8 bytes, unpadded base64url. */
  signature: string;
  keyId: string;
  algorithm: typeof CERTIFICATE_ALGORITHM;
  /** The signing key, SPKI PEM. */
  publicKey: string;
}

/** `verifyCertificate` reads at most this many bytes (UTF-8); a certificate document is about 2–17 KiB. */
export const CERTIFICATE_CHECK_MAX_BYTES = 64 * 1024;

/** Why a certificate document is not valid. */
export enum CertificateCheckCode {
  /** Not a JSON object with string `certificate`, `signature` and `keyId` (and nothing else but `algorithm`, `publicKey`). */
  Malformed = 'MALFORMED',
  /** `algorithm` is not ed25519. */
  UnsupportedAlgorithm = 'UNSUPPORTED_ALGORITHM',
  /** No key of the platform (current or retired) has this `keyId`. */
  UnknownKey = 'UNKNOWN_KEY',
  /** `publicKey` is not the platform's key with this `keyId`. */
  PublicKeyMismatch = 'PUBLIC_KEY_MISMATCH',
  /** `signature` is not 64 bytes of canonical, unpadded base64url. */
  SignatureMalformed = 'SIGNATURE_MALFORMED',
  /** The signature does not verify: the text or the signature was changed. */
  SignatureMismatch = 'SIGNATURE_MISMATCH',
  /** Signed by the platform's key, but no certificate with this id was issued (or it was deleted). */
  UnknownCertificate = 'UNKNOWN_CERTIFICATE',
  /** Signed by the platform's key, but not the text issued under this id. */
  TextMismatch = 'TEXT_MISMATCH',
  /** The platform revoked the certificate. */
  Revoked = 'REVOKED',
}

export interface CertificateCheck {
  valid: boolean;
  code: CertificateCheckCode | null;
  reason: string | null;
  /** The certificate's id, once the signature holds. */
  certificateId: string | null;
}

export interface ParsedCertificateDocument {
  certificate: string;
  signature: string;
  keyId: string;
  publicKey: string | null;
  /**
   * The id the certificate text names, read before anything is verified: only to look the
   * certificate up. `judgeCertificate` trusts it only once the signature holds.
   */
  claimedId: string | null;
}

/** What the platform holds about a certificate id. */
export interface StoredCertificate {
  id: string;
  canonical: string;
  keyId: string;
  revokedAt: Date | null;
  revokedReason: string | null;
}

const FIELDS = new Set(['certificate', 'signature', 'keyId', 'algorithm', 'publicKey']);
const KEY_ID = /^[0-9a-f]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Reads a certificate document (the JSON `GET /certificates/:id` answered). Checks only its
 * shape; `judgeCertificate` decides. @returns the document, or the check that says why it is none.
 * @throws CertificateError CERTIFICATE_TOO_LARGE over CERTIFICATE_CHECK_MAX_BYTES.
 */
export function parseCertificateDocument(input: string): { document: ParsedCertificateDocument } | { check: CertificateCheck } {
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > CERTIFICATE_CHECK_MAX_BYTES) {
    throw new CertificateError(
      CertificateErrorCode.TooLarge,
      `the certificate document is ${bytes} bytes; at most ${CERTIFICATE_CHECK_MAX_BYTES} are read: pass the JSON GET /certificates/:id answered, unchanged`,
      { bytes, limitBytes: CERTIFICATE_CHECK_MAX_BYTES },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return { check: malformed('it is not JSON') };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { check: malformed('it is not a JSON object') };
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((name) => !FIELDS.has(name));
  if (unknown.length > 0) return { check: malformed(`unexpected field ${quote(unknown[0]!)}`) };
  for (const name of ['certificate', 'signature', 'keyId'] as const) {
    if (typeof fields[name] !== 'string') return { check: malformed(`"${name}" must be a string`) };
  }
  if (fields.algorithm !== undefined && fields.algorithm !== CERTIFICATE_ALGORITHM) {
    return {
      check: invalid(
        CertificateCheckCode.UnsupportedAlgorithm,
        `algorithm ${quote(fields.algorithm)} is not supported: certificates are signed with ${CERTIFICATE_ALGORITHM}`,
      ),
    };
  }
  if (fields.publicKey !== undefined && typeof fields.publicKey !== 'string') return { check: malformed('"publicKey" must be a string') };
  const keyId = fields.keyId as string;
  if (!KEY_ID.test(keyId)) return { check: malformed('"keyId" must be 16 lower-case hex digits') };
  const certificate = fields.certificate as string;
  return {
    document: {
      certificate,
      signature: fields.signature as string,
      keyId,
      publicKey: (fields.publicKey as string | undefined) ?? null,
      claimedId: claimedIdOf(certificate),
    },
  };
}

/**
 * Decides a parsed document against the platform's key with its keyId and the certificate stored
 * under the id it names. The signature is checked first, so a changed byte is reported as such
 * rather than as whatever the change happens to look like.
 */
export function judgeCertificate(
  document: ParsedCertificateDocument,
  key: { publicKeyPem: string } | null,
  stored: StoredCertificate | null,
): CertificateCheck {
  const signed = judgeCertificateSignature(document, key);
  if (!signed.valid) return signed;
  const id = signed.certificateId!;
  if (!stored || stored.id !== id) {
    return invalid(CertificateCheckCode.UnknownCertificate, `this platform issued no certificate ${id}`, id);
  }
  if (stored.canonical !== document.certificate || stored.keyId !== document.keyId) {
    return invalid(CertificateCheckCode.TextMismatch, `the text differs from certificate ${id} as it was issued`, id);
  }
  if (stored.revokedAt) {
    const why = stored.revokedReason ? `: ${stored.revokedReason}` : '';
    return invalid(CertificateCheckCode.Revoked, `certificate ${id} was revoked on ${stored.revokedAt.toISOString()}${why}`, id);
  }
  return signed;
}

/**
 * The checks that need only the signing key (a pinned copy will do): the key, the signature, and
 * that the signed text is a canonical v1 certificate naming that key. What an offline verifier
 * (the `proving verify` CLI) can decide; whether the platform still holds the certificate
 * unrevoked needs the platform (`judgeCertificate`).
 */
export function judgeCertificateSignature(document: ParsedCertificateDocument, key: { publicKeyPem: string } | null): CertificateCheck {
  if (!key) return invalid(CertificateCheckCode.UnknownKey, `no signing key of this platform has id ${document.keyId}`);
  if (document.publicKey !== null && document.publicKey !== key.publicKeyPem) {
    return invalid(CertificateCheckCode.PublicKeyMismatch, `"publicKey" is not this platform's key ${document.keyId}`);
  }
  if (!decodeCertificateSignature(document.signature)) {
    return invalid(CertificateCheckCode.SignatureMalformed, '"signature" is not 64 bytes of unpadded base64url');
  }
  if (!certificateSignatureMatches(document.certificate, document.signature, key.publicKeyPem)) {
    return invalid(
      CertificateCheckCode.SignatureMismatch,
      `the signature does not match the certificate text under key ${document.keyId}: the text or the signature was changed`,
    );
  }
  const payload = signedPayload(document.certificate);
  if (!payload) return malformed(`the signed text is not a version ${CERTIFICATE_FORMAT_VERSION} certificate in canonical form`);
  if (payload.keyId !== document.keyId) return malformed(`the certificate names key ${payload.keyId}, not ${document.keyId}`);
  return { valid: true, code: null, reason: null, certificateId: payload.id };
}

/** The id and key of a signed text that is a canonical v1 certificate, or null. */
function signedPayload(text: string): { id: string; keyId: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || canonicalJson(value) !== text) return null;
  const { v, id, keyId } = value as Record<string, unknown>;
  if (v !== CERTIFICATE_FORMAT_VERSION || typeof id !== 'string' || !UUID.test(id) || typeof keyId !== 'string') return null;
  return { id, keyId };
}

function claimedIdOf(text: string): string | null {
  try {
    const { id } = JSON.parse(text) as { id?: unknown };
    return typeof id === 'string' && UUID.test(id) ? id : null;
  } catch {
    return null;
  }
}

function invalid(code: CertificateCheckCode, reason: string, certificateId: string | null = null): CertificateCheck {
  return { valid: false, code, reason, certificateId };
}

function malformed(why: string): CertificateCheck {
  return invalid(
    CertificateCheckCode.Malformed,
    `not a certificate document: ${why}; pass the JSON object GET /certificates/:id answered, unchanged`,
  );
}

/** User input quoted in a reason: JSON-escaped and short. */
function quote(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value));
  return text.length > 42 ? `${text.slice(0, 40)}…"` : text;
}
