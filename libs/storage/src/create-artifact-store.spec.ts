import { LocalArtifactStore } from './local-artifact-store';
import { S3ArtifactStore } from './s3-artifact-store';
import { createArtifactStore, parseArtifactStoreLocation } from './create-artifact-store';

describe('parseArtifactStoreLocation', () => {
  it('resolves a relative folder against the base folder', () => {
    expect(parseArtifactStoreLocation('.data/artifacts', '/srv/app')).toEqual({ kind: 'local', root: '/srv/app/.data/artifacts' });
  });

  it('reads a file URL as an absolute folder', () => {
    expect(parseArtifactStoreLocation('file:///var/lib/proving/artifacts')).toEqual({ kind: 'local', root: '/var/lib/proving/artifacts' });
  });

  it('splits an s3 URL into bucket and prefix without surrounding slashes', () => {
    expect(parseArtifactStoreLocation('s3://proving-artifacts/prod/v1/')).toEqual({
      kind: 's3',
      bucket: 'proving-artifacts',
      prefix: 'prod/v1',
    });
    expect(parseArtifactStoreLocation('s3://proving-artifacts')).toEqual({ kind: 's3', bucket: 'proving-artifacts', prefix: '' });
  });

  it.each([
    ['an empty value', ' ', 'empty'],
    ['an invalid bucket', 's3://Bad_Bucket/x', 'invalid S3 bucket'],
    ['a prefix with ..', 's3://bucket/a/../b', '".."'],
    ['an unsupported scheme', 'https://example.com/artifacts', 'supports only'],
    ['a file URL with a host', 'file://server/share', 'file URL'],
  ])('refuses %s', (_scenario, location, message) => {
    expect(() => parseArtifactStoreLocation(location)).toThrow(message);
  });
});

describe('createArtifactStore', () => {
  it('builds the store the location names', async () => {
    const local = createArtifactStore('/tmp/artifacts');
    const s3 = createArtifactStore('s3://bucket/prefix', {
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    expect(local).toBeInstanceOf(LocalArtifactStore);
    expect(s3).toBeInstanceOf(S3ArtifactStore);
    await Promise.all([local.close(), s3.close()]);
  });
});
