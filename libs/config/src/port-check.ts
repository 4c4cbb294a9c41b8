import { createServer } from 'node:net';
import { ConfigError } from './config';

/**
 * Fails with a ConfigError naming `variable` when something already listens on host:port, so a
 * second instance says so in one line before it starts anything else.
 */
export function assertPortAvailable(variable: string, port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? 'is already in use'
          : error.code === 'EACCES'
            ? 'needs privileges this process lacks'
            : `cannot be used (${error.code})`;
      reject(new ConfigError(variable, `${variable} ${port} ${reason} on ${host}; stop the other process or choose another port`));
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
