import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { describeArtifactStoreContract } from './artifact-store.contract';
import { ArtifactTooLargeError } from './artifact-store.errors';
import { S3ArtifactStore, createS3Client } from './s3-artifact-store';

const BUCKET = 'artifacts';
const PREFIX = 'proving/test';
const MiB = 1024 * 1024;

interface S3Fixture {
  server: S3rver;
  directory: string;
  client: S3Client;
  /** Names of the S3 operations sent so far, in order. */
  sent: string[];
}

/** A real s3rver on loopback (random port, its own temporary folder) and a client that records its requests. */
async function startS3(): Promise<S3Fixture> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const client = createS3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
  });
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return { server, directory, client, sent };
}

async function stopS3(fixture: S3Fixture): Promise<void> {
  fixture.client.destroy();
  fixture.server.httpServer?.closeAllConnections();
  await fixture.server.close();
  await rm(fixture.directory, { recursive: true, force: true });
}

async function listKeys(client: S3Client, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}

let fixture: S3Fixture;

describeArtifactStoreContract(
  's3 (s3rver)',
  async () => {
    fixture = await startS3();
    // Small parts so that large bodies go through multipart uploads; one part in flight so that the
    // memory measured (client and the in-process s3rver together) stays well below the 50 MiB body.
    const store = new S3ArtifactStore({ bucket: BUCKET, prefix: PREFIX }, { client: fixture.client, partSizeBytes: 5 * MiB, queueSize: 1 });
    return {
      store,
      listTemporaries: () => listKeys(fixture.client, `${PREFIX}/tmp/`),
      listStored: () => listKeys(fixture.client, `${PREFIX}/sha256/`),
      tamper: async (sha256, bytes) => {
        await fixture.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: store.keyOf(sha256), Body: bytes }));
      },
      ioCount: () => fixture.sent.length,
    };
  },
  () => stopS3(fixture),
);

describe('S3ArtifactStore', () => {
  let s3: S3Fixture;
  let store: S3ArtifactStore;

  beforeAll(async () => {
    s3 = await startS3();
    store = new S3ArtifactStore({ bucket: BUCKET, prefix: '' }, { client: s3.client, partSizeBytes: 5 * MiB, queueSize: 2 });
  });
  afterAll(() => stopS3(s3));

  it('files an artifact under <prefix>/sha256/<aa>/<sha256>', () => {
    const digest = `abcd${'0'.repeat(60)}`;
    expect(new S3ArtifactStore({ bucket: BUCKET, prefix: 'a/b' }, { client: s3.client }).keyOf(digest)).toBe(`a/b/sha256/ab/${digest}`);
    expect(store.keyOf(digest)).toBe(`sha256/ab/${digest}`);
  });

  it('aborts the multipart upload when a large body passes the limit', async () => {
    s3.sent.length = 0;
    const body = Readable.from(
      (function* () {
        for (let index = 0; index < 20; index++) yield Buffer.alloc(MiB, index);
      })(),
    );
    await expect(store.put(body, { maxBytes: 12 * MiB })).rejects.toBeInstanceOf(ArtifactTooLargeError);
    body.destroy();
    // Two 5 MiB parts went up before the 13th MiB; the upload must then be aborted, not left to linger.
    expect(s3.sent).toContain('CreateMultipartUploadCommand');
    expect(s3.sent).toContain('AbortMultipartUploadCommand');
    expect(s3.sent).not.toContain('CompleteMultipartUploadCommand');
    expect(s3.sent).not.toContain('CopyObjectCommand');
    expect(await listKeys(s3.client, '')).toEqual([]);
  });

  it('publishes nothing when the server kept a different byte count than was sent', async () => {
    // Simulates a server that mangles uploads: the object under the temporary key is replaced mid-flight.
    const mangling = new S3ArtifactStore({ bucket: BUCKET, prefix: 'mangled' }, { client: s3.client });
    const finalKeysBefore = await listKeys(s3.client, 'mangled/sha256/');
    let mangled = false;
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'PutObjectCommand' && !mangled) {
          const input = args.input as { Key?: string };
          if (input.Key?.startsWith('mangled/tmp/')) {
            mangled = true;
            await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: input.Key, Body: Buffer.from('short') }));
          }
        }
        return result;
      },
      { step: 'initialize', name: 'mangleUploads' },
    );
    try {
      await expect(mangling.put(Readable.from([Buffer.alloc(1000, 7)]), { maxBytes: MiB })).rejects.toThrow(
        'kept 5 bytes of a 1000-byte upload',
      );
    } finally {
      s3.client.middlewareStack.remove('mangleUploads');
    }
    expect(mangled).toBe(true);
    expect(await listKeys(s3.client, 'mangled/')).toEqual(finalKeysBefore);
  });
});
