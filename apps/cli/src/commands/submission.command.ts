import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ApiClient } from '../api-client';
import { CliError, ExitCode, UsageError } from '../cli-errors';
import type { CommandContext, CommandSpec } from '../command';
import { renderSubmission, SUBMISSION_FIELDS, submissionLinks, TERMINAL_STATUSES, type SubmissionView } from '../render/submission';
import { pinCertificateKeys } from './account.command';
import { formatBytes } from './challenges.command';

/** Exit 0 only for a PASSED verdict once scored; a submission still queued or running is not a failure (status). */
export function exitCodeOf(submission: SubmissionView): ExitCode {
  if (!TERMINAL_STATUSES.includes(submission.status)) return ExitCode.Ok;
  return submission.status === 'SCORED' && submission.result?.verdict === 'PASSED' ? ExitCode.Ok : ExitCode.Failed;
}

function report(context: CommandContext, submission: SubmissionView): ExitCode {
  const links = submissionLinks(submission, (path) => context.api.link(path));
  context.emit({ ...submission, links }, () => renderSubmission(submission, links, context.settings.columns, context.style));
  return exitCodeOf(submission);
}

/** A file argument that must exist: a usage error (exit 2) otherwise, before anything is sent. */
function fileSize(path: string, what: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a file');
    return stat.size;
  } catch {
    throw new UsageError(`${what} '${path}' is not a readable file`);
  }
}

async function upload(context: CommandContext, api: ApiClient, path: string, size: number): Promise<string> {
  const bar = context.progress();
  const label = `upload ${basename(path)} (${formatBytes(size)})`;
  bar.update(label, 0);
  const { sha256 } = await api.upload(path, size, (sent) => bar.update(label, size ? sent / size : 1));
  bar.done();
  return sha256;
}

const submit: CommandSpec = {
  name: 'submit',
  summary: 'upload a model, score it and follow it live',
  args: [
    { name: 'slug', description: 'the challenge' },
    { name: 'model.onnx', description: 'the ONNX model to submit' },
  ],
  options: {
    source: { type: 'string', value: 'src.zip', description: 'the source archive (PORT_TO_JAX challenges)' },
  },
  description: [
    'Starts (or continues) your attempt, uploads the model (a progress bar on stderr), queues it for scoring and follows it live over WebSocket: the phase and its progress. Then prints the verdict, the speedup with its 95% interval, parity, the p50 latencies, the points, and links to the benchmark picture and the signed certificate. Nothing is saved locally.',
    'Exit code 0 for PASSED; 1 for FAILED, INCONCLUSIVE, REJECTED or a platform failure.',
  ],
  examples: ['proving submit pruned-mlp-speedup model.onnx', 'proving submit port-small-cnn-to-jax model.onnx --source src.zip --json'],
  async run(context, input) {
    const { api } = context.signedIn();
    const model = input.args['model.onnx']!;
    const modelSize = fileSize(model, 'model');
    const source = input.options.source as string | undefined;
    const sourceSize = source === undefined ? 0 : fileSize(source, '--source');
    const { startAttempt } = await api.graphql<{ startAttempt: { id: string } }>(
      'mutation($slug: String!) { startAttempt(challengeSlug: $slug) { id } }',
      { slug: input.args.slug },
    );
    const modelSha256 = await upload(context, api, model, modelSize);
    const sourceSha256 = source === undefined ? undefined : await upload(context, api, source, sourceSize);
    const { submitModel } = await api.graphql<{ submitModel: { id: string } }>(
      'mutation($input: SubmitModelInput!) { submitModel(input: $input) { id } }',
      { input: { attemptId: startAttempt.id, modelSha256, ...(sourceSha256 ? { sourceSha256 } : {}) } },
    );
    context.stderr.write(`Submitted ${submitModel.id}; following it live.\n`);
    const bar = context.progress();
    const final = await api
      .subscribe<{ submissionUpdated: SubmissionView }>(
        `subscription($id: ID!) { submissionUpdated(id: $id) { ${SUBMISSION_FIELDS} } }`,
        { id: submitModel.id },
        ({ submissionUpdated: update }) => {
          if (update.status === 'QUEUED') bar.update('queued', 0);
          else if (update.status === 'RUNNING') bar.update(update.phase ?? 'running', update.progress ?? 0);
          else bar.update(update.status.toLowerCase(), 1);
        },
      )
      .catch((error: unknown) => {
        // Scoring goes on without us: say where to look it up.
        if (!(error instanceof CliError)) throw error;
        throw new CliError(
          error.exitCode,
          error.code,
          `${error.message}; it is still scored: see 'proving status ${submitModel.id}'`,
          error.reason,
        );
      })
      .finally(() => bar.done());
    // The key that signed this certificate may be newer than the login's pins (the first certificate creates it).
    if (final.submissionUpdated.result?.certificateId) await pinCertificateKeys(context).catch(() => undefined);
    return report(context, final.submissionUpdated);
  },
};

const status: CommandSpec = {
  name: 'status',
  summary: "show a submission's status and result",
  args: [{ name: 'submission-id', description: 'the id submit printed' }],
  description: [
    'Shows where a submission is (QUEUED, RUNNING with its phase, SCORED, REJECTED, FAILED) and, once scored, its result as submit prints it. Exit code 1 for a finished submission that did not pass; 0 otherwise.',
  ],
  async run(context, input) {
    const { api } = context.signedIn();
    const { submission } = await api.graphql<{ submission: SubmissionView | null }>(
      `query($id: ID!) { submission(id: $id) { ${SUBMISSION_FIELDS} } }`,
      { id: input.args['submission-id'] },
    );
    if (!submission)
      throw new CliError(ExitCode.Failed, 'NOT_FOUND', `no submission ${input.args['submission-id']} of yours on ${context.url}`);
    return report(context, submission);
  },
};

export const SUBMISSION_COMMANDS: CommandSpec[] = [submit, status];
