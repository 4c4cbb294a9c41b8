import { readFileSync } from 'node:fs';
import {
  CertificateCheckCode,
  CertificateError,
  judgeCertificateSignature,
  keyIdOf,
  parseCertificateDocument,
  type CertificateCheck,
} from '@app/domain';
import { ExitCode, UsageError } from '../cli-errors';
import type { CommandContext, CommandSpec } from '../command';

interface KeyChoice {
  key: { publicKeyPem: string } | null;
  /** Where the key came from, for the reader. */
  source: string;
  /** Why there is none, when there is none. */
  missing?: string;
}

/** The key to check with: --key, else the key pinned at login with the document's keyId. Never the document's own. */
function keyFor(context: CommandContext, keyId: string, keyFile: string | undefined): KeyChoice {
  if (keyFile !== undefined) {
    const pem = readText(keyFile, '--key');
    let id: string;
    try {
      id = keyIdOf(pem);
    } catch {
      throw new UsageError(`--key '${keyFile}' is not a public key in PEM form`);
    }
    if (id !== keyId)
      return { key: null, source: keyFile, missing: `the key in ${keyFile} has id ${id}, but the certificate names key ${keyId}` };
    return { key: { publicKeyPem: pem }, source: keyFile };
  }
  const pinned = context.store.pinnedKey(keyId);
  if (!pinned) {
    return {
      key: null,
      source: 'pinned keys',
      missing: `no pinned key has id ${keyId}: 'proving login' pins the platform's keys, or pass --key <pem>`,
    };
  }
  return { key: { publicKeyPem: pinned.publicKey }, source: `pinned from ${pinned.server} on ${pinned.pinnedAt}` };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`${what} '${path}' is not a readable file`);
  }
}

const verify: CommandSpec = {
  name: 'verify',
  summary: 'check a certificate offline against the pinned key',
  args: [{ name: 'certificate.json', description: 'the JSON GET /certificates/:id answered' }],
  options: { key: { type: 'string', value: 'pem', description: 'a public key file to check with instead of the pinned keys' } },
  description: [
    "Checks, with no network, that the certificate document is unchanged and signed by the platform's key: the key pinned by `proving login` with the document's keyId, or --key. The document's own publicKey is never trusted. Whether the platform has since revoked it needs the server (the verifyCertificate query).",
    'Exit code 0 when valid, 1 when not (the code says why: SIGNATURE_MISMATCH, UNKNOWN_KEY, MALFORMED, …).',
  ],
  examples: [
    'curl -s http://localhost:3000/certificates/<id> > cert.json',
    'proving verify cert.json',
    'proving verify cert.json --key platform.pem --json',
  ],
  async run(context, input) {
    const file = input.args['certificate.json']!;
    const text = readText(file, 'certificate');
    let check: CertificateCheck;
    let summary: Record<string, unknown> | null = null;
    let source: string | null = null;
    try {
      const parsed = parseCertificateDocument(text);
      if ('check' in parsed) check = parsed.check;
      else {
        const choice = keyFor(context, parsed.document.keyId, input.options.key as string | undefined);
        source = choice.source;
        check = choice.key
          ? judgeCertificateSignature(parsed.document, choice.key)
          : { valid: false, code: CertificateCheckCode.UnknownKey, reason: choice.missing!, certificateId: null };
        if (check.valid) summary = JSON.parse(parsed.document.certificate) as Record<string, unknown>;
      }
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      check = { valid: false, code: CertificateCheckCode.Malformed, reason: error.message, certificateId: null };
    }
    context.emit({ ...check, file, key: source, offline: true, certificate: summary }, () => {
      if (!check.valid) return `INVALID (${check.code}): ${check.reason}`;
      const metrics = (summary?.metrics ?? {}) as Record<string, number | undefined>;
      const challenge = summary?.challenge as { slug: string; version: number } | undefined;
      const round = (value: number | undefined) => (value === undefined ? '?' : value.toFixed(2));
      const speedup =
        metrics.speedup !== undefined
          ? `, speedup ${round(metrics.speedup)}× (95% ${round(metrics.speedupLow)}–${round(metrics.speedupHigh)}×)`
          : '';
      return [
        `VALID: certificate ${check.certificateId}, signed by key ${(summary?.keyId as string) ?? ''} (${source}).`,
        `${String(summary?.learner)} · ${challenge?.slug} v${challenge?.version} · ${String(summary?.verdict)} · ${String(summary?.points)} points${speedup} · issued ${String(summary?.issuedAt)}`,
        'Checked offline: the signature only; revocation needs the server.',
      ].join('\n');
    });
    return check.valid ? ExitCode.Ok : ExitCode.Failed;
  },
};

export const VERIFY_COMMANDS: CommandSpec[] = [verify];
