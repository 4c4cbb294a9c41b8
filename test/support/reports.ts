import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CHALLENGE = join(__dirname, '..', '..', 'libs', 'catalog', 'challenges', 'document-an-optimization', 'challenge.json');

/** The rubric of `document-an-optimization`, which mentors score a report on. */
export const REPORT_RUBRIC = (
  JSON.parse(readFileSync(CHALLENGE, 'utf8')) as { spec: { rubric: { criterion: string; maxScore: number }[] } }
).spec.rubric;

/**
 * A report of a pruned MLP with every section `document-an-optimization` asks for; `speedup` is
 * the speedup it claims ("1.25×"); `omit` leaves sections out.
 */
export function pruningReport(speedup: string, options: { omit?: string[]; title?: string } = {}): string {
  const sections: Record<string, string> = {
    'Environment and prerequisites': 'Linux x86-64, 2 cores, Node 24, onnxruntime-node 1.30, one intra-op thread.',
    Method: 'I profiled the MLP, found the dead hidden units and removed them, keeping the outputs equal.',
    Results: `The pruned model is ${speedup} faster than the reference.\n\n| model | p50 |\n| --- | --- |\n| reference | measured |\n| pruned | measured |`,
    Limitations: 'Measured at batch 64 on one thread only; other batch sizes were not measured.',
    Reproduction: '```sh\nnpm ci\nproving submit pruned-mlp-speedup pruned.onnx\n```',
    'What failed and what I learned': 'Quantizing to int8 broke parity; pruning was the honest win.',
  };
  return [
    `# ${options.title ?? 'Pruning the dead units of an MLP'}`,
    ...Object.entries(sections)
      .filter(([heading]) => !options.omit?.includes(heading))
      .map(([heading, body]) => `## ${heading}\n\n${body}`),
  ].join('\n\n');
}
