import 'reflect-metadata';
import { loadConfig, type AppConfig } from '@app/config';
import { startServer, type RunningServer } from './bootstrap/server';
import { describeStartupError } from './bootstrap/startup-error';

/** `npm start`: one process serving the API (and, in single-process mode, everything else). */
async function main(): Promise<void> {
  // Signals that arrive while starting are held until start-up ends, so an interrupted start
  // still stops the PostgreSQL it launched (it runs in its own process group).
  let requested: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => (requested = signal);
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);

  let config: AppConfig | undefined;
  let server: RunningServer;
  try {
    config = loadConfig();
    server = await startServer(config);
  } catch (error) {
    const { line, showStack } = describeStartupError(error);
    process.stderr.write(`proving-ground: ${line}\n`);
    const verbose = config?.logLevel === 'debug' || config?.logLevel === 'trace';
    if (showStack && verbose) process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  }
  process.removeListener('SIGINT', hold);
  process.removeListener('SIGTERM', hold);

  const shutdownTimeoutMs = config.shutdownTimeoutMs;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`proving-ground: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write(`proving-ground: shutdown took longer than SHUTDOWN_TIMEOUT_MS (${shutdownTimeoutMs} ms), exiting\n`);
      process.exit(1);
    }, shutdownTimeoutMs);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`proving-ground: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (requested) stop(requested);
}

void main();
