import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, normaliseServer, type Credential } from './config-store';

const credential = (token: string): Credential => ({
  token,
  tokenId: '00000000-0000-4000-8000-000000000001',
  tokenName: 'proving CLI test',
  handle: 'ada',
  createdAt: '2026-11-30T09:00:00.000Z',
});

describe('the config store', () => {
  let root: string;
  let store: ConfigStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'proving-config-'));
    store = new ConfigStore(join(root, 'proving'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps credentials in a 600 file in a 700 folder, also when they were looser before', () => {
    mkdirSync(store.dir, { mode: 0o755 });
    writeFileSync(join(store.dir, 'credentials.json'), '{}', { mode: 0o644 });
    chmodSync(join(store.dir, 'credentials.json'), 0o644);
    store.saveCredential('http://localhost:3000', credential('pgt_one'));
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(store.modeOf('credentials')).toBe(0o600);
    store.pinKeys('http://localhost:3000', [{ keyId: '0123456789abcdef', publicKey: 'PEM' }]);
    expect(store.modeOf('keys')).toBe(0o600);
  });

  it('keeps one login per server, the URL spelled either way', () => {
    store.saveCredential('http://LOCALHOST:3000/', credential('pgt_local'));
    store.saveCredential('https://proving.example', credential('pgt_remote'));
    expect(store.credential('http://localhost:3000')?.token).toBe('pgt_local');
    expect(store.credential('https://proving.example/')?.token).toBe('pgt_remote');
    expect(store.removeCredential('http://localhost:3000')).toBe(true);
    expect(store.removeCredential('http://localhost:3000')).toBe(false);
    expect(store.credential('http://localhost:3000')).toBeNull();
    expect(store.credential('https://proving.example')?.token).toBe('pgt_remote');
    expect(Object.keys(JSON.parse(readFileSync(join(store.dir, 'credentials.json'), 'utf8')))).toEqual(['https://proving.example']);
  });

  it('pins a key once: a later fetch never replaces what was pinned under its id', () => {
    store.pinKeys('http://a.example', [{ keyId: '0123456789abcdef', publicKey: 'FIRST' }], new Date('2026-11-01T00:00:00Z'));
    store.pinKeys('http://b.example', [{ keyId: '0123456789abcdef', publicKey: 'OTHER' }]);
    expect(store.pinnedKey('0123456789abcdef')).toEqual({
      keyId: '0123456789abcdef',
      publicKey: 'FIRST',
      server: 'http://a.example',
      pinnedAt: '2026-11-01T00:00:00.000Z',
    });
    expect(store.pinnedKey('fedcba9876543210')).toBeNull();
  });

  it('names a server by origin and path, without a trailing slash', () => {
    expect(normaliseServer('HTTP://Example.com:80/proving/')).toBe('http://example.com/proving');
  });
});
