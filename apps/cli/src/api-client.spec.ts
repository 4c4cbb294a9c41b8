import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from './api-client';
import { ExitCode } from './cli-errors';

/** How API answers become exit codes, against a real HTTP server that answers what each case needs. */
describe('the API client', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: string };

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const graphqlError = (code: string, reason?: string) =>
    JSON.stringify({ data: null, errors: [{ message: 'refused', extensions: { code, ...(reason ? { reason } : {}) } }] });

  it('maps UNAUTHENTICATED to exit 3, and other refusals to exit 1 with their code', async () => {
    answer = { status: 200, body: graphqlError('UNAUTHENTICATED', 'TOKEN_INVALID') };
    await expect(new ApiClient(url, 'pgt_x').graphql('{ me { handle } }')).rejects.toMatchObject({
      exitCode: ExitCode.NetworkOrAuth,
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_INVALID',
      message: 'refused: run `proving login` again',
    });
    answer = { status: 200, body: graphqlError('BAD_USER_INPUT', 'QUOTA_EXCEEDED') };
    await expect(new ApiClient(url).graphql('{ x }')).rejects.toMatchObject({ exitCode: ExitCode.Failed, code: 'BAD_USER_INPUT' });
  });

  it('maps a REST error body to its code, and a server that is not the API to exit 3', async () => {
    answer = { status: 404, body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no such certificate' } }) };
    await expect(new ApiClient(url).getJson('/certificates/x')).rejects.toMatchObject({ exitCode: ExitCode.Failed, code: 'NOT_FOUND' });
    answer = { status: 200, body: '<html>a router login page</html>' };
    await expect(new ApiClient(url).graphql('{ x }')).rejects.toMatchObject({ exitCode: ExitCode.NetworkOrAuth, code: 'NOT_THE_API' });
  });

  it('maps a refused connection to exit 3 UNREACHABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(new ApiClient(`http://127.0.0.1:${port}`).graphql('{ x }')).rejects.toMatchObject({
      exitCode: ExitCode.NetworkOrAuth,
      code: 'UNREACHABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('makes API paths absolute under the server URL, a path prefix included', () => {
    const api = new ApiClient('https://proving.example/base/');
    expect(api.link('/certificates/abc')).toBe('https://proving.example/base/certificates/abc');
    expect(api.link('graphql')).toBe('https://proving.example/base/graphql');
    expect(api.link('https://cdn.example/a.onnx')).toBe('https://cdn.example/a.onnx');
  });
});
