import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** An ed25519 key pair as stored (`SigningKey`): PKCS8 PEM private key, SPKI PEM public key, and its id. */
export interface CertificateKeyPair {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** ed25519 signatures are 64 bytes: 86 characters of unpadded base64url. */
export const CERTIFICATE_SIGNATURE_BYTES = 64;

export function generateCertificateKeyPair(): CertificateKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { keyId: keyIdOf(publicKey), privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A key's id: sha256 of its SPKI DER encoding, first 16 hex digits (`openssl pkey -pubin -outform DER | sha256sum`). */
export function keyIdOf(publicKeyPem: string | KeyObject): string {
  const key = typeof publicKeyPem === 'string' ? createPublicKey(publicKeyPem) : publicKeyPem;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** The ed25519 signature of the text's UTF-8 bytes, base64url without padding. */
export function signCertificateText(text: string, privateKey: string | KeyObject): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64url');
}

/**
 * The signature's bytes, or null unless it is exactly the canonical unpadded base64url of 64
 * bytes. Node's decoder skips characters outside the alphabet and ignores the unused low bits of
 * the last character, so without this check a changed character could still verify.
 */
export function decodeCertificateSignature(signature: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]+$/.test(signature)) return null;
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length !== CERTIFICATE_SIGNATURE_BYTES || bytes.toString('base64url') !== signature) return null;
  return bytes;
}

/** True when `signature` (strict base64url) is the ed25519 signature of `text` by `publicKey`. */
export function certificateSignatureMatches(text: string, signature: string, publicKey: string | KeyObject): boolean {
  const bytes = decodeCertificateSignature(signature);
  if (!bytes) return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return verify(null, Buffer.from(text, 'utf8'), key, bytes);
}
