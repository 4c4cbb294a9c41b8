// The default import is the module object itself (a namespace import would be a copy), so spies reach the store.
import fsPromises from 'node:fs/promises';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeArtifactStoreContract } from './artifact-store.contract';
import { LocalArtifactStore } from './local-artifact-store';

let root: string;
let store: LocalArtifactStore;
let fsCalls = 0;

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describeArtifactStoreContract(
  'local folder',
  async () => {
    root = await mkdtemp(join(tmpdir(), 'artifact-store-'));
    store = new LocalArtifactStore(root);
    // Counts the store's filesystem calls, to prove a malformed digest is refused before any.
    for (const method of ['open', 'stat', 'mkdir', 'rename', 'unlink'] as const) {
      const original = fsPromises[method] as (...args: unknown[]) => unknown;
      jest.spyOn(fsPromises, method).mockImplementation(((...args: unknown[]) => {
        fsCalls++;
        return original(...args);
      }) as never);
    }
    return {
      store,
      listTemporaries: () => listFiles(join(root, 'tmp')),
      listStored: async () => (await listFiles(root)).filter((file) => !file.startsWith('tmp')),
      tamper: (sha256, bytes) => writeFile(store.pathOf(sha256), bytes),
      ioCount: () => fsCalls,
    };
  },
  async () => {
    jest.restoreAllMocks();
    await store.close();
    await rm(root, { recursive: true, force: true });
  },
);

describe('LocalArtifactStore layout', () => {
  it('files an artifact under <root>/<aa>/<bb>/<sha256>', () => {
    const digest = `abcd${'0'.repeat(60)}`;
    expect(new LocalArtifactStore('/srv/artifacts').pathOf(digest)).toBe(`/srv/artifacts/ab/cd/${digest}`);
  });
});
