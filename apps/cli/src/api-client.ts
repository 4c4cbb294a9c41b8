import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createClient } from 'graphql-ws';
import { CliError, ExitCode } from './cli-errors';
import { normaliseServer } from './config-store';

/** An error as the API reports it: GraphQL `extensions` or a REST `{"error": {…}}` body. */
interface ApiErrorBody {
  message: string;
  extensions?: { code?: string; reason?: string };
}

/** GraphQL requests that take longer than this are given up (uploads and subscriptions are not limited). */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The public API as the CLI uses it: GraphQL over HTTP, REST for bytes (PUT /artifacts, assets,
 * certificates) and `submissionUpdated` over graphql-ws. Turns every failure into a CliError:
 * exit 3 when the server cannot be reached or does not accept who we are, exit 1 when it refused
 * the request itself.
 */
export class ApiClient {
  readonly base: string;

  constructor(
    url: string,
    private readonly token: string | null = null,
  ) {
    this.base = normaliseServer(url);
  }

  /** The same server as someone else (a token from login, before it is stored). */
  as(token: string): ApiClient {
    return new ApiClient(this.base, token);
  }

  /**
   * An absolute URL for a path of the API (`/graphql`, an asset's `url`, a certificate): under the
   * server URL, so a server behind a path prefix works. Absolute URLs are kept as they are.
   */
  link(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    return `${this.base}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await this.send('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.auth() },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await this.jsonOf<{ data?: T | null; errors?: ApiErrorBody[] }>(response);
    if (body.errors?.length) throw apiError(body.errors[0]!);
    if (!body.data) throw this.notTheApi(`answered ${response.status} without data`);
    return body.data;
  }

  async getJson<T>(path: string): Promise<T> {
    const response = await this.send(path, { headers: this.auth(), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await this.refuseUnlessOk(response);
    return this.jsonOf<T>(response);
  }

  /** GET with the body left to stream (downloads). */
  async getStream(path: string): Promise<Response> {
    const response = await this.send(path, { headers: this.auth() });
    await this.refuseUnlessOk(response);
    return response;
  }

  /** `PUT /artifacts` with the file streamed from disk; `onProgress` sees the bytes sent so far. */
  async upload(file: string, size: number, onProgress: (sent: number) => void): Promise<{ sha256: string; size: number }> {
    let sent = 0;
    const source = createReadStream(file);
    source.on('data', (chunk) => onProgress((sent += chunk.length)));
    const response = await this.send('/artifacts', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size), ...this.auth() },
      body: Readable.toWeb(source) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    await this.refuseUnlessOk(response);
    return this.jsonOf<{ sha256: string; size: number }>(response);
  }

  /**
   * Subscribes over graphql-ws (path /graphql; the token in connection_init, as browsers must).
   * `onUpdate` sees every event; resolves with the last when the server completes the
   * subscription (a terminal status).
   */
  subscribe<T>(query: string, variables: Record<string, unknown>, onUpdate: (value: T) => void): Promise<T> {
    const client = createClient({
      url: `${this.base.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
    });
    let last: T | undefined;
    return new Promise<T>((resolve, reject) => {
      client.subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            if (value.errors?.length) return reject(apiError(value.errors[0] as ApiErrorBody));
            last = value.data as T;
            onUpdate(last);
          },
          error: (error) => reject(socketError(this.base, error)),
          complete: () =>
            last === undefined
              ? reject(new CliError(ExitCode.NetworkOrAuth, 'UNREACHABLE', 'the subscription ended before any update'))
              : resolve(last),
        },
      );
    }).finally(() => void client.dispose());
  }

  private auth(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.link(path), init);
    } catch (error) {
      throw unreachable(this.base, error);
    }
  }

  private async jsonOf<T>(response: Response): Promise<T> {
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw this.notTheApi(`answered ${response.status} with something that is not JSON`);
    }
  }

  private async refuseUnlessOk(response: Response): Promise<void> {
    if (response.ok) return;
    let body: { error?: { code?: string; message?: string; reason?: string } } = {};
    try {
      body = JSON.parse(await response.text()) as typeof body;
    } catch {
      // Not the API's error shape: reported by status below.
    }
    const code = body.error?.code ?? `HTTP_${response.status}`;
    const message = body.error?.message ?? `${response.url} answered ${response.status} ${response.statusText}`;
    throw apiError({ message, extensions: { code, reason: body.error?.reason } });
  }

  private notTheApi(what: string): CliError {
    return new CliError(ExitCode.NetworkOrAuth, 'NOT_THE_API', `${this.base} ${what}: is it a Proving Ground server? (--url, PROVING_URL)`);
  }
}

function apiError(error: ApiErrorBody): CliError {
  const code = error.extensions?.code ?? 'API_ERROR';
  const reason = error.extensions?.reason;
  if (code === 'UNAUTHENTICATED') {
    const hint = reason === 'INVALID_CREDENTIALS' ? '' : ': run `proving login` again';
    return new CliError(ExitCode.NetworkOrAuth, code, `${error.message}${hint}`, reason);
  }
  return new CliError(ExitCode.Failed, code, error.message, reason);
}

function unreachable(base: string, error: unknown): CliError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new CliError(ExitCode.NetworkOrAuth, 'TIMEOUT', `${base} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new CliError(ExitCode.NetworkOrAuth, 'UNREACHABLE', `cannot reach ${base} (${why}); is the server running? (--url, PROVING_URL)`);
}

/** graphql-ws reports a failed socket as an Event or CloseEvent, and server errors as GraphQL errors. */
function socketError(base: string, error: unknown): CliError {
  if (Array.isArray(error) && error.length > 0) return apiError(error[0] as ApiErrorBody);
  const close = error as { code?: number; reason?: string };
  if (typeof close?.code === 'number') {
    const detail = close.reason ? `: ${close.reason}` : '';
    if (close.code === 4401 || close.code === 4403)
      return new CliError(
        ExitCode.NetworkOrAuth,
        'UNAUTHENTICATED',
        `the server refused the connection${detail}: run \`proving login\` again`,
      );
    return new CliError(ExitCode.NetworkOrAuth, 'UNREACHABLE', `the connection to ${base} closed (${close.code}${detail})`);
  }
  return new CliError(ExitCode.NetworkOrAuth, 'UNREACHABLE', `cannot follow the submission live: the connection to ${base} failed`);
}
