import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogLocation } from '@app/catalog';

/**
 * The challenges' reference models, read from the catalog's build folder of this checkout and
 * checked against the sha256 that the challenge version recorded: a scorer whose files differ
 * from the version being scored must not score it (its job fails and is retried elsewhere).
 */
export class ReferenceModels {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly location: CatalogLocation) {}

  async load(slug: string, definition: Record<string, unknown>, name = 'reference.onnx'): Promise<Buffer> {
    const assets = (definition.assets ?? []) as { name: string; sha256: string }[];
    const asset = assets.find((candidate) => candidate.name === name);
    if (!asset) throw new Error(`challenge ${slug} records no asset ${name}`);
    const cached = this.cache.get(asset.sha256);
    if (cached) return cached;
    const bytes = await readFile(join(this.location.buildDir, slug, name));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== asset.sha256) {
      throw new Error(
        `${slug}/${name} on this scorer is ${actual.slice(0, 12)}…, the challenge version recorded ${asset.sha256.slice(0, 12)}…`,
      );
    }
    this.cache.set(asset.sha256, bytes);
    return bytes;
  }
}
