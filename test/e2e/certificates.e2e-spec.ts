import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '@app/config';
import { CertificateIssuer, CertificateRepository, DbModule, SigningKeyRepository, TransactionRunner } from '@app/db';
import { CERTIFICATE_CHECK_MAX_BYTES, CERTIFICATE_KEY_PURPOSE, type CertificateDocument } from '@app/domain';
import { TimingFactory, withClient } from '@app/testing';
import { errorCode, errorReason, makeRole, register, type Account } from '../support/accounts';
import { startAttempt, submitModel, uploadBytes } from '../support/scoring';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Certificates and the benchmark picture over real HTTP. Nothing measures timing yet, so results
 * are written straight into the test database, and certificates are issued the way the scorer
 * does: by CertificateIssuer in a separate process-like Nest context, inside a transaction.
 */
@Module({})
class IssuerModule {
  static forRoot(app: TestApp): DynamicModule {
    return { module: IssuerModule, imports: [ConfigModule.forRoot(app.config), DbModule.forRoot(app.database.url)] };
  }
}

const CHECK = 'query($c: String!) { verifyCertificate(certificate: $c) { valid reason code certificateId } }';

describe('result certificates and benchmark pictures', () => {
  let app: TestApp;
  let ada: Account;
  let eve: Account;
  let admin: Account;
  let scorers: INestApplicationContext[];
  let attemptId: string;

  beforeAll(async () => {
    app = await startTestApp();
    [ada, eve, admin] = (await Promise.all(['cert-ada', 'cert-eve', 'cert-admin'].map((h) => register(app, h)))) as [
      Account,
      Account,
      Account,
    ];
    await makeRole(app, admin, 'ADMIN');
    attemptId = await startAttempt(app, ada, 'pruned-mlp-speedup');
    // Two "scorer processes", each with its own pool and key cache.
    scorers = await Promise.all([0, 1].map(() => NestFactory.createApplicationContext(IssuerModule.forRoot(app), { logger: false })));
  });

  afterAll(async () => {
    await Promise.all(scorers.map((scorer) => scorer.close()));
    await app.stop();
  });

  /** A submission of ada's on pruned-mlp-speedup, scored with `metrics` (written as the scorer would). */
  const scoredSubmission = async (metrics: Record<string, unknown> | null) => {
    const model = await uploadBytes(app, ada, randomBytes(256));
    const submissionId = await submitModel(app, ada, attemptId, model);
    if (metrics === null) return { submissionId, resultId: null, model };
    const resultId = await withClient(app.database.url, async (client) => {
      await client.query(`UPDATE "Submission" SET status = 'SCORED', progress = 1 WHERE id = $1`, [submissionId]);
      const { rows } = await client.query(
        `INSERT INTO "Result" (id, "submissionId", verdict, points, metrics, flags, environment, "jobId", "scoringClaim")
         VALUES (gen_random_uuid(), $1, 'PASSED', 129.09, $2, '{}', $3, 'job', 1) RETURNING id`,
        [
          submissionId,
          JSON.stringify(metrics),
          JSON.stringify({
            deviceClass: 'cpu',
            executionProvider: 'cpu',
            ortVersion: '1.30.0',
            cpuModel: 'test CPU',
            scorerVersion: '0.1.0',
            host: 'scorer-a',
          }),
        ],
      );
      return rows[0].id as string;
    });
    return { submissionId, resultId, model };
  };
  const issue = (resultId: string, scorer = scorers[0]!) =>
    scorer.get(TransactionRunner).run((tx) => scorer.get(CertificateIssuer).issue(resultId, tx));
  const fetchDocument = async (id: string) => {
    const response = await fetch(`${app.url}/certificates/${id}`);
    return { response, body: (await response.json()) as CertificateDocument & { error?: { code: string; reason?: string } } };
  };
  const check = async (document: unknown) =>
    (await app.graphql(CHECK, { c: typeof document === 'string' ? document : JSON.stringify(document) })).body.data!.verifyCertificate as {
      valid: boolean;
      reason: string | null;
      code: string | null;
      certificateId: string | null;
    };
  const timing = () => TimingFactory.build();

  describe('certificates', () => {
    let first: { submissionId: string; resultId: string; model: string; certificateId: string };

    beforeAll(async () => {
      // Two scorers issue the very first certificates at once: one key is created, both use it.
      const [a, b] = await Promise.all([
        scoredSubmission({ timing: timing(), parity: { passed: true, batches: 16, outputs: [] } }),
        scoredSubmission({ timing: timing() }),
      ]);
      const [issuedA, issuedB] = await Promise.all([issue(a.resultId!, scorers[0]), issue(b.resultId!, scorers[1])]);
      first = { ...a, resultId: a.resultId!, certificateId: issuedA.id };
      const keys = await withClient(
        app.database.url,
        async (client) => (await client.query(`SELECT purpose, "keyId" FROM "SigningKey" WHERE "keyId" IS NOT NULL`)).rows,
      );
      expect(keys).toEqual([{ purpose: CERTIFICATE_KEY_PURPOSE, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) }]);
      const [docA, docB] = await Promise.all([fetchDocument(issuedA.id), fetchDocument(issuedB.id)]);
      expect(docA.body.keyId).toBe(keys[0].keyId);
      expect(docB.body.keyId).toBe(keys[0].keyId);
    });

    it('serves the signed certificate to anyone, and it verifies offline with the public key it names', async () => {
      const { response, body } = await fetchDocument(first.certificateId);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(body)).toEqual(['certificate', 'signature', 'keyId', 'algorithm', 'publicKey']);
      expect(body.algorithm).toBe('ed25519');
      const payload = JSON.parse(body.certificate) as Record<string, unknown>;
      expect(payload).toMatchObject({
        v: 1,
        id: first.certificateId,
        keyId: body.keyId,
        challenge: { slug: 'pruned-mlp-speedup', version: expect.any(Number) },
        learner: 'cert-ada',
        submission: first.submissionId,
        artifacts: { model: first.model },
        verdict: 'PASSED',
        points: 129.09,
        metrics: {
          speedup: 1.42,
          speedupLow: 1.35,
          speedupHigh: 1.5,
          target: 1.1,
          rounds: 30,
          parity: { passed: true, batches: 16, outputs: [] },
        },
        environment: { cpuModel: 'test CPU', deviceClass: 'cpu' },
        flags: [],
      });
      expect(body.certificate).not.toContain('scorer-a'); // the scorer's host stays private
      // What a verifier without this platform does (docs/certificates.md): node:crypto and the PEM.
      const publicKey = createPublicKey(body.publicKey);
      expect(verify(null, Buffer.from(body.certificate), publicKey, Buffer.from(body.signature, 'base64url'))).toBe(true);
      expect(
        createHash('sha256')
          .update(publicKey.export({ type: 'spki', format: 'der' }))
          .digest('hex')
          .slice(0, 16),
      ).toBe(body.keyId);
    });

    it('names the certificate on the result', async () => {
      const { body } = await app.graphql(
        'query($id: ID!) { submission(id: $id) { result { certificateId } } }',
        { id: first.submissionId },
        ada.auth,
      );
      expect(body.data).toEqual({ submission: { result: { certificateId: first.certificateId } } });
    });

    it('verifies the document as served, without signing in', async () => {
      const { body } = await fetchDocument(first.certificateId);
      expect(await check(body)).toEqual({ valid: true, reason: null, code: null, certificateId: first.certificateId });
      const response = await fetch(`${app.url}/certificates/${first.certificateId}`);
      expect((await check(await response.text())).valid).toBe(true); // the raw text, byte for byte
    });

    it('finds one changed byte in the certificate text, or in the signature, and says which check failed', async () => {
      const { body } = await fetchDocument(first.certificateId);
      const at = body.certificate.indexOf('"speedup":1.42') + '"speedup":1.'.length;
      const inflated = { ...body, certificate: `${body.certificate.slice(0, at)}9${body.certificate.slice(at + 1)}` };
      expect(inflated.certificate).toContain('"speedup":1.92');
      expect(await check(inflated)).toEqual({
        valid: false,
        code: 'SIGNATURE_MISMATCH',
        reason: `the signature does not match the certificate text under key ${body.keyId}: the text or the signature was changed`,
        certificateId: null,
      });
      const other = body.signature[10] === 'A' ? 'B' : 'A';
      const resigned = { ...body, signature: `${body.signature.slice(0, 10)}${other}${body.signature.slice(11)}` };
      expect(await check(resigned)).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
      const padded = { ...body, signature: `${body.signature}A` };
      expect(await check(padded)).toMatchObject({
        valid: false,
        code: 'SIGNATURE_MALFORMED',
        reason: expect.stringContaining('base64url'),
      });
      expect(await check('{"certificate":')).toMatchObject({
        valid: false,
        code: 'MALFORMED',
        reason: expect.stringContaining('not JSON'),
      });
    });

    it('refuses a document over 64 KiB with a specific error, before reading it', async () => {
      const answer = await app.graphql(CHECK, { c: 'x'.repeat(CERTIFICATE_CHECK_MAX_BYTES + 1) });
      expect([errorCode(answer), errorReason(answer)]).toEqual(['BAD_USER_INPUT', 'CERTIFICATE_TOO_LARGE']);
      expect(answer.body.errors![0]!.extensions).toMatchObject({ limitBytes: CERTIFICATE_CHECK_MAX_BYTES });
    });

    it('answers 404 for an unknown or malformed id', async () => {
      for (const id of ['8c0f6a0e-4d3b-4f6e-9a57-0d9a3b1c2e4f', 'not-a-uuid', "1' OR '1'='1", '%00']) {
        const { response, body } = await fetchDocument(encodeURIComponent(id));
        expect([response.status, body.error?.code]).toEqual([404, 'NOT_FOUND']);
      }
    });

    it('issues one certificate per result, however often it is asked', async () => {
      expect(await issue(first.resultId, scorers[1])).toEqual({ id: first.certificateId });
      const count = await withClient(
        app.database.url,
        async (client) =>
          (await client.query(`SELECT count(*)::int AS n FROM "Certificate" WHERE "resultId" = $1`, [first.resultId])).rows[0].n,
      );
      expect(count).toBe(1);
    });

    it('keeps certificates of a retired key valid, and signs new ones with the new key', async () => {
      const before = (await fetchDocument(first.certificateId)).body;
      const retired = await scorers[0]!.get(SigningKeyRepository).retireKeyPair(CERTIFICATE_KEY_PURPOSE);
      expect(retired).toBe(before.keyId);
      const next = await scoredSubmission({ timing: timing() });
      const { id } = await issue(next.resultId!, scorers[1]);
      const after = (await fetchDocument(id)).body;
      expect(after.keyId).not.toBe(before.keyId);
      expect(after.publicKey).not.toBe(before.publicKey);
      expect(await check(after)).toMatchObject({ valid: true, certificateId: id });
      expect(await check(before)).toMatchObject({ valid: true, certificateId: first.certificateId });
      // Offline verifiers pin the keys the platform lists (both, the new one current).
      const listed = await fetch(`${app.url}/certificates/keys`);
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual({
        keys: [
          { keyId: before.keyId, algorithm: 'ed25519', publicKey: before.publicKey, current: false, createdAt: expect.any(String) },
          { keyId: after.keyId, algorithm: 'ed25519', publicKey: after.publicKey, current: true, createdAt: expect.any(String) },
        ],
      });
      // A certificate of one key presented under the other is refused.
      expect(await check({ ...before, keyId: after.keyId, publicKey: after.publicKey })).toMatchObject({
        valid: false,
        code: 'SIGNATURE_MISMATCH',
      });
    });

    it('calls a revoked certificate invalid, and says why', async () => {
      const revoked = await scoredSubmission({ timing: timing() });
      const { id } = await issue(revoked.resultId!);
      const document = (await fetchDocument(id)).body;
      expect(await scorers[0]!.get(CertificateRepository).revoke(id, 'measured on a miscalibrated scorer')).toBe(true);
      expect(await check(document)).toMatchObject({
        valid: false,
        code: 'REVOKED',
        reason: expect.stringMatching(new RegExp(`^certificate ${id} was revoked on .+: measured on a miscalibrated scorer$`)),
      });
    });

    it('calls a well-signed certificate the platform no longer holds invalid', async () => {
      const gone = await scoredSubmission({ timing: timing() });
      const { id } = await issue(gone.resultId!);
      const document = (await fetchDocument(id)).body;
      await withClient(app.database.url, (client) => client.query(`DELETE FROM "Certificate" WHERE id = $1`, [id]));
      expect(await check(document)).toMatchObject({
        valid: false,
        code: 'UNKNOWN_CERTIFICATE',
        reason: `this platform issued no certificate ${id}`,
      });
      expect((await fetchDocument(id)).response.status).toBe(404);
    });
  });

  describe('GET /submissions/:id/report.svg', () => {
    let scored: string;

    beforeAll(async () => {
      scored = (await scoredSubmission({ timing: timing() })).submissionId;
    });

    const picture = (id: string, account?: Account) => fetch(`${app.url}/submissions/${id}/report.svg`, { headers: account?.auth ?? {} });

    it('draws the benchmark for the submission’s learner and for admins', async () => {
      for (const viewer of [ada, admin]) {
        const response = await picture(scored, viewer);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
        expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
        const svg = await response.text();
        expect(svg).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        expect(svg).toContain('speedup 1.42× (95% interval 1.35× to 1.5×) against a target of 1.1×');
        expect(svg).toContain(`submission ${scored} by cert-ada`);
        expect(svg.match(/<circle /g)).toHaveLength(3 * 30);
      }
    });

    it('refuses others like submission(id) does: 401 without a token, 403 to another learner', async () => {
      const anonymous = await picture(scored);
      expect([anonymous.status, ((await anonymous.json()) as { error: { code: string } }).error.code]).toEqual([401, 'UNAUTHENTICATED']);
      const stranger = await picture(scored, eve);
      expect([stranger.status, ((await stranger.json()) as { error: { code: string } }).error.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('answers 404 REPORT_NOT_AVAILABLE while there is no timing, and 404 for an unknown submission', async () => {
      const queued = (await scoredSubmission(null)).submissionId;
      const parityOnly = (await scoredSubmission({ parity: { passed: true, batches: 16, outputs: [] } })).submissionId;
      for (const id of [queued, parityOnly]) {
        const response = await picture(id, ada);
        const { error } = (await response.json()) as { error: { code: string; reason: string; message: string } };
        expect([response.status, error.code, error.reason]).toEqual([404, 'NOT_FOUND', 'REPORT_NOT_AVAILABLE']);
        expect(error.message).toContain(id);
      }
      // Someone else's submission without timing: still 403, nothing learnt about its result.
      expect((await picture(parityOnly, eve)).status).toBe(403);
      for (const id of ['8c0f6a0e-4d3b-4f6e-9a57-0d9a3b1c2e4f', 'nope']) {
        const response = await picture(id, ada);
        expect([response.status, ((await response.json()) as { error: { reason: string } }).error.reason]).toEqual([404, 'NOT_FOUND']);
      }
    });
  });
});
