import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fetchAsset, type AssetToFetch } from '../asset-download';
import { CliError, ExitCode, UsageError } from '../cli-errors';
import type { CommandContext, CommandSpec } from '../command';
import { renderBrief } from '../render/brief';
import { renderTable } from '../render/table';
import { wrap } from '../render/text';

interface ChallengeRow {
  slug: string;
  title: string;
  kind: string;
  difficulty: string;
  points: number;
}

interface ChallengeDetail extends ChallengeRow {
  version: number;
  dailyQuota: number;
  brief: string;
  assets: AssetToFetch[];
  modelSpec: { targetSpeedup: number | null; deviceClass: string } | null;
}

/** Short names for the table, so that titles keep room in 80 columns (the JSON keeps the enum). */
const KIND_LABELS: Record<string, string> = {
  OPTIMIZE_MODEL: 'optimize',
  PORT_TO_JAX: 'jax-port',
  AI_FREE_SESSION: 'ai-free',
  DOCUMENT_RESULTS: 'document',
};

const DETAIL_FIELDS =
  'slug title kind difficulty points version dailyQuota brief assets { name sha256 size url } modelSpec { targetSpeedup deviceClass }';

/** The challenge, or exit 1 NOT_FOUND naming the command that lists them. */
export async function challengeNamed(context: CommandContext, slug: string): Promise<ChallengeDetail> {
  const { challenge } = await context
    .maybeSignedIn()
    .graphql<{ challenge: ChallengeDetail | null }>(`query($slug: String!) { challenge(slug: $slug) { ${DETAIL_FIELDS} } }`, { slug });
  if (!challenge) throw new CliError(ExitCode.Failed, 'NOT_FOUND', `no challenge '${slug}' on ${context.url} (see 'proving challenges')`);
  return challenge;
}

const challenges: CommandSpec = {
  name: 'challenges',
  summary: 'list the active challenges',
  args: [],
  description: [
    'Lists every active challenge: its slug (what the other commands take), kind, points and title. --json adds the difficulty.',
  ],
  async run(context) {
    const rows: ChallengeRow[] = [];
    let after: string | null = null;
    do {
      const { challenges: page }: { challenges: Page<ChallengeRow> } = await context
        .maybeSignedIn()
        .graphql(
          'query($after: String) { challenges(first: 100, after: $after) { edges { node { slug title kind difficulty points } } pageInfo { hasNextPage endCursor } } }',
          { after },
        );
      rows.push(...page.edges.map((edge) => edge.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    context.emit(rows, () =>
      renderTable(
        [
          { header: 'SLUG', value: (row) => row.slug },
          { header: 'KIND', value: (row) => KIND_LABELS[row.kind] ?? row.kind },
          { header: 'POINTS', value: (row) => String(row.points), right: true },
          { header: 'TITLE', value: (row) => row.title },
        ],
        rows,
        context.settings.columns,
      ),
    );
    return ExitCode.Ok;
  },
};

const challenge: CommandSpec = {
  name: 'challenge',
  summary: 'show a challenge and its brief',
  args: [{ name: 'slug', description: 'the challenge (see proving challenges)' }],
  description: [
    "Shows a challenge: kind, points, daily quota, assets, and its brief rendered for the terminal (wrapped to the terminal's width; 80 columns when not a terminal).",
  ],
  async run(context, input) {
    const found = await challengeNamed(context, input.args.slug!);
    const width = context.settings.columns;
    context.emit(found, () => {
      const target = found.modelSpec?.targetSpeedup ? `, target ≥ ${found.modelSpec.targetSpeedup}× (${found.modelSpec.deviceClass})` : '';
      const head = [
        ...wrap(found.title, width).map((line) => context.style.bold(line)),
        ...wrap(`${found.slug} v${found.version} · ${found.kind} · ${found.difficulty} · ${found.points} points${target}`, width),
        `${found.dailyQuota} submissions per day (UTC)`,
      ];
      const assets = found.assets.flatMap((asset) => [`  ${asset.name} (${formatBytes(asset.size)})`, `    sha256 ${asset.sha256}`]);
      const fetchHint = found.assets.length > 0 ? [...wrap(`Assets (proving fetch ${found.slug}):`, width), ...assets, ''] : [];
      return [...head, '', ...fetchHint, renderBrief(found.brief, width, context.style)].join('\n');
    });
    return ExitCode.Ok;
  },
};

const fetchCommand: CommandSpec = {
  name: 'fetch',
  summary: "download a challenge's assets, checking their sha256",
  args: [{ name: 'slug', description: 'the challenge' }],
  options: { dir: { type: 'string', value: 'dir', description: 'where to put them (default: ./<slug>)' } },
  description: [
    'Downloads every asset of the challenge and checks each against the sha256 the API lists. A file whose sha256 differs is deleted and the exit code is 1; a file already there with the right sha256 is kept as is.',
  ],
  examples: ['proving fetch pruned-mlp-speedup', 'proving fetch pruned-mlp-speedup --dir work --json'],
  async run(context, input) {
    if (input.options.dir === '') throw new UsageError('--dir must not be empty');
    const found = await challengeNamed(context, input.args.slug!);
    const dir = resolve((input.options.dir as string | undefined) ?? found.slug);
    mkdirSync(dir, { recursive: true });
    const api = context.maybeSignedIn();
    const files: Array<{ name: string; path: string; sha256: string; size: number; outcome: string }> = [];
    for (const asset of found.assets) {
      const path = join(dir, asset.name);
      const bar = context.progress();
      const outcome = await fetchAsset(api, asset, path, (bytes) => bar.update(`fetch ${asset.name}`, asset.size ? bytes / asset.size : 1));
      bar.done();
      files.push({ name: asset.name, path, sha256: asset.sha256, size: asset.size, outcome });
    }
    context.emit({ challenge: found.slug, dir, files }, () =>
      files.length === 0
        ? `${found.slug} has no assets.`
        : files
            .map(
              (file) => `${file.outcome === 'downloaded' ? 'fetched ' : 'kept    '} ${file.path}  (${formatBytes(file.size)}, sha256 ok)`,
            )
            .join('\n'),
    );
    return ExitCode.Ok;
  },
};

interface Page<T> {
  edges: Array<{ node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export const CHALLENGE_COMMANDS: CommandSpec[] = [challenges, challenge, fetchCommand];
