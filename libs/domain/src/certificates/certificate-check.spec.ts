import { CertificateSourceFactory } from '@app/testing';
import { buildCertificate } from './certificate';
import {
  CERTIFICATE_CHECK_MAX_BYTES,
  CertificateCheckCode,
  judgeCertificate,
  judgeCertificateSignature,
  parseCertificateDocument,
  type CertificateCheck,
  type CertificateDocument,
  type StoredCertificate,
} from './certificate-check';
import { CertificateErrorCode } from './certificate-errors';
import { certificateSignatureMatches, generateCertificateKeyPair, keyIdOf, signCertificateText } from './certificate-signing';
import { createPublicKey } from 'node:crypto';

/** A platform with one key and one issued certificate, and a checker that looks things up the way the API does. */
function platform() {
  const key = generateCertificateKeyPair();
  const { payload, canonical } = buildCertificate(CertificateSourceFactory.build({ keyId: key.keyId }));
  const signature = signCertificateText(canonical, key.privateKeyPem);
  const stored: StoredCertificate = { id: payload.id, canonical, keyId: key.keyId, revokedAt: null, revokedReason: null };
  const document: CertificateDocument = {
    certificate: canonical,
    signature,
    keyId: key.keyId,
    algorithm: 'ed25519',
    publicKey: key.publicKeyPem,
  };
  const check = (input: string, store: StoredCertificate = stored): CertificateCheck => {
    const parsed = parseCertificateDocument(input);
    if ('check' in parsed) return parsed.check;
    const found = parsed.document.keyId === key.keyId ? { publicKeyPem: key.publicKeyPem } : null;
    return judgeCertificate(parsed.document, found, parsed.document.claimedId === store.id ? store : null);
  };
  return { key, payload, canonical, signature, stored, document, text: JSON.stringify(document), check };
}

describe('certificate signatures', () => {
  it('signs with ed25519 and names the key by the sha256 of its SPKI DER', () => {
    const { key, canonical, signature } = platform();
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(certificateSignatureMatches(canonical, signature, key.publicKeyPem)).toBe(true);
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(createPublicKey(key.publicKeyPem))).toBe(key.keyId);
    expect(key.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('refuses a signature whose last character differs only in bits base64url leaves unused', () => {
    const { key, canonical, signature } = platform();
    // 64 bytes = 512 bits in 86 characters: the last character carries 2 bits and 4 unused ones.
    const last = signature.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBits = alphabet[(alphabet.indexOf(last) & 0b110000) | 0b0001]!;
    const twin = signature.slice(0, -1) + sameBits;
    expect(Buffer.from(twin, 'base64url').equals(Buffer.from(signature, 'base64url'))).toBe(true); // Node decodes both alike
    expect(certificateSignatureMatches(canonical, twin, key.publicKeyPem)).toBe(false);
    expect(certificateSignatureMatches(canonical, `${signature}=`, key.publicKeyPem)).toBe(false);
    expect(certificateSignatureMatches(canonical, `${signature.slice(0, 40)}.${signature.slice(40)}`, key.publicKeyPem)).toBe(false);
  });
});

describe('checking a certificate document', () => {
  it('accepts the document as it was served', () => {
    const { check, text, payload } = platform();
    expect(check(text)).toEqual({ valid: true, code: null, reason: null, certificateId: payload.id });
  });

  it('accepts it without the optional algorithm and publicKey fields, and with its fields in any order', () => {
    const { check, document, payload } = platform();
    expect(check(JSON.stringify({ signature: document.signature, keyId: document.keyId, certificate: document.certificate })).valid).toBe(
      true,
    );
    expect(check(JSON.stringify({ ...document }, null, 2)).certificateId).toBe(payload.id);
  });

  it('refuses the document with any one character changed, wherever it is', () => {
    const { check, text } = platform();
    const accepted: number[] = [];
    const codes = new Set<string | null>();
    for (let i = 0; i < text.length; i++) {
      const changed = text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1);
      const result = check(changed);
      if (result.valid) accepted.push(i);
      expect(result.reason).toEqual(expect.any(String));
      codes.add(result.code);
    }
    expect(accepted).toEqual([]);
    expect(codes).toEqual(
      new Set([
        CertificateCheckCode.Malformed,
        CertificateCheckCode.UnsupportedAlgorithm,
        CertificateCheckCode.UnknownKey,
        CertificateCheckCode.PublicKeyMismatch,
        CertificateCheckCode.SignatureMalformed,
        CertificateCheckCode.SignatureMismatch,
      ]),
    );
  });

  it('says the signature does not match when a number in the certificate is raised', () => {
    const { check, document } = platform();
    const inflated = { ...document, certificate: document.certificate.replace('"speedup":1.42', '"speedup":2.42') };
    expect(check(JSON.stringify(inflated))).toMatchObject({ valid: false, code: CertificateCheckCode.SignatureMismatch });
  });

  it('refuses a certificate signed by another key that claims the platform’s key id', () => {
    const { check, document, canonical } = platform();
    const forger = generateCertificateKeyPair();
    const forged = { ...document, signature: signCertificateText(canonical, forger.privateKeyPem) };
    expect(check(JSON.stringify(forged))).toMatchObject({ valid: false, code: CertificateCheckCode.SignatureMismatch });
    expect(check(JSON.stringify({ ...forged, publicKey: forger.publicKeyPem }))).toMatchObject({
      valid: false,
      code: CertificateCheckCode.PublicKeyMismatch,
    });
  });

  it('refuses a well-signed certificate the platform does not hold, holds with another text, or revoked', () => {
    const { check, text, stored, payload } = platform();
    expect(check(text, { ...stored, id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      valid: false,
      code: CertificateCheckCode.UnknownCertificate,
      reason: `this platform issued no certificate ${payload.id}`,
    });
    expect(check(text, { ...stored, canonical: `${stored.canonical} ` })).toMatchObject({
      valid: false,
      code: CertificateCheckCode.TextMismatch,
    });
    expect(check(text, { ...stored, revokedAt: new Date('2026-12-01T00:00:00Z'), revokedReason: 'the scorer was miscalibrated' })).toEqual({
      valid: false,
      code: CertificateCheckCode.Revoked,
      reason: `certificate ${payload.id} was revoked on 2026-12-01T00:00:00.000Z: the scorer was miscalibrated`,
      certificateId: payload.id,
    });
  });

  it('offline, with the key alone, accepts the served document and refuses a changed one, not knowing about revocation', () => {
    const { document, key, payload } = platform();
    const offline = (changed: Partial<CertificateDocument>) => {
      const parsed = parseCertificateDocument(JSON.stringify({ ...document, ...changed }));
      if ('check' in parsed) return parsed.check;
      return judgeCertificateSignature(parsed.document, parsed.document.keyId === key.keyId ? { publicKeyPem: key.publicKeyPem } : null);
    };
    expect(offline({})).toEqual({ valid: true, code: null, reason: null, certificateId: payload.id });
    const inflated = document.certificate.replace('"speedup":1.42', '"speedup":2.42');
    expect(offline({ certificate: inflated })).toMatchObject({ valid: false, code: CertificateCheckCode.SignatureMismatch });
    expect(offline({ keyId: 'ffffffffffffffff' })).toMatchObject({ valid: false, code: CertificateCheckCode.UnknownKey });
  });

  it('refuses a signed text that is not a canonical v1 certificate', () => {
    const { check, document, key } = platform();
    const spaced = JSON.stringify(JSON.parse(document.certificate), null, 1);
    const resigned = { ...document, certificate: spaced, signature: signCertificateText(spaced, key.privateKeyPem) };
    expect(check(JSON.stringify(resigned))).toMatchObject({ valid: false, code: CertificateCheckCode.Malformed });
  });

  it('explains what is wrong with a document that is not one', () => {
    const { check, document } = platform();
    expect(check('not json').reason).toMatch(/not JSON/);
    expect(check('[]').reason).toMatch(/not a JSON object/);
    expect(check(JSON.stringify({ ...document, extra: 1 })).reason).toMatch(/unexpected field "extra"/);
    expect(check(JSON.stringify({ ...document, signature: 7 })).reason).toMatch(/"signature" must be a string/);
    expect(check(JSON.stringify({ ...document, keyId: 'KEY' })).reason).toMatch(/"keyId" must be 16 lower-case hex digits/);
    expect(check(JSON.stringify({ ...document, algorithm: 'RS256' }))).toMatchObject({
      code: CertificateCheckCode.UnsupportedAlgorithm,
      reason: 'algorithm "RS256" is not supported: certificates are signed with ed25519',
    });
    expect(check(JSON.stringify({ ...document, keyId: 'ffffffffffffffff' }))).toMatchObject({ code: CertificateCheckCode.UnknownKey });
  });

  it('refuses to read more than 64 KiB, with a specific error', () => {
    const { document } = platform();
    const padded = JSON.stringify({ ...document, publicKey: document.publicKey + ' '.repeat(CERTIFICATE_CHECK_MAX_BYTES) });
    expect(() => parseCertificateDocument(padded)).toThrow(expect.objectContaining({ code: CertificateErrorCode.TooLarge }));
    // Counted in UTF-8 bytes, not characters.
    expect(() => parseCertificateDocument('é'.repeat(CERTIFICATE_CHECK_MAX_BYTES / 2 + 1))).toThrow(
      expect.objectContaining({ code: CertificateErrorCode.TooLarge }),
    );
    expect('check' in parseCertificateDocument('é'.repeat(CERTIFICATE_CHECK_MAX_BYTES / 2))).toBe(true);
  });
});
