import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHostileModels, MANIFEST_FILE, manifestText, writeHostileModels } from './build-hostile-models';

/**
 * The committed corpus in test/fixtures/not-ok must be exactly what scripts/build-hostile-models.ts
 * writes today: a case changed in the script without rerunning it fails here.
 */
const COMMITTED = join(__dirname, '..', 'test', 'fixtures', 'not-ok');
const MAX_FIXTURE_BYTES = 2 * 1024 * 1024;

describe('scripts/build-hostile-models.ts', () => {
  let fresh: string;

  beforeAll(() => {
    fresh = mkdtempSync(join(tmpdir(), 'hostile-models-'));
    writeHostileModels(fresh);
  });

  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('regenerates exactly the committed files (rerun the script after changing a case)', () => {
    const written = readdirSync(fresh).sort();
    const committed = readdirSync(COMMITTED)
      .filter((file) => file.endsWith('.onnx') || file === MANIFEST_FILE)
      .sort();
    expect(committed).toEqual(written);
    for (const file of written) {
      const same = Buffer.compare(readFileSync(join(fresh, file)), readFileSync(join(COMMITTED, file))) === 0;
      expect({ file, same }).toEqual({ file, same: true });
    }
  });

  it('is deterministic: two builds give the same bytes', () => {
    const first = buildHostileModels();
    const second = buildHostileModels();
    expect(second.map((m) => m.name)).toEqual(first.map((m) => m.name));
    first.forEach((m, i) => expect(Buffer.compare(m.bytes, second[i].bytes)).toBe(0));
    expect(manifestText(second)).toBe(manifestText(first));
  });

  it('keeps every fixture under 2 MB with exactly one expected outcome', () => {
    const manifest = JSON.parse(readFileSync(join(fresh, MANIFEST_FILE), 'utf8')) as { fixtures: Record<string, Record<string, string>> };
    for (const model of buildHostileModels()) {
      expect(model.bytes.length).toBeLessThan(MAX_FIXTURE_BYTES);
      const entry = manifest.fixtures[model.name];
      const outcomes = ['check', 'sandbox', 'parity'].filter((key) => key in entry);
      expect({ name: model.name, outcomes }).toEqual({ name: model.name, outcomes: [expect.any(String)] });
      expect(entry.file).toBe(`${model.name}.onnx`);
    }
  });

  it('covers the cases of the issue', () => {
    const byOutcome = (key: string, value: string): string[] =>
      buildHostileModels()
        .filter((m) => (m.expect as Record<string, string>)[key] === value)
        .map((m) => m.name);
    expect(byOutcome('check', 'MODEL_EXTERNAL_DATA')).toEqual(
      expect.arrayContaining([
        'external-data-parent-path',
        'external-data-absolute-path',
        'external-data-relative-path',
        'external-data-sparse-initializer',
      ]),
    );
    expect(byOutcome('sandbox', 'SANDBOX_TIMEOUT')).toEqual(['slow-matmul-chain']);
    expect(byOutcome('sandbox', 'SANDBOX_LIMIT')).toEqual(['runtime-allocation-bomb']);
    expect(byOutcome('parity', 'OUTPUT_NON_FINITE')).toEqual(['nan-output']);
    const pickle = buildHostileModels().find((m) => m.name === 'pickle-renamed')!.bytes;
    const zip = buildHostileModels().find((m) => m.name === 'zip-renamed')!.bytes;
    expect([...pickle.subarray(0, 2)]).toEqual([0x80, 0x04]);
    expect([...zip.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });
});
