import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { environmentSchema } from './config.schema';
import { projectRoot } from './project-root';

describe('loadConfig', () => {
  it('gives every default when nothing is set', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      nodeEnv: 'development',
      isProduction: false,
      logLevel: 'info',
      dataDir: '/srv/app/.data',
      databaseUrl: undefined,
      embeddedDatabasePort: 54329,
      databasePoolSize: 10,
      adminEmails: [],
      artifactStore: '/srv/app/.data/artifacts',
      shutdownTimeoutMs: 10_000,
      uploadTimeoutMs: 600_000,
      shadowDatabaseUrl: undefined,
      scorer: 'embedded',
      scorerConcurrency: 1,
      sandboxMemoryMb: undefined,
      sandboxTaskTimeoutMs: 120_000,
      reviewLeaseMs: 1_800_000,
      s3: { region: 'us-east-1', forcePathStyle: false },
    });
  });

  it('refuses a scorer mode it does not know and a sandbox memory cap below 256 MiB', () => {
    expect(() => loadConfig({ SCORER: 'remote' }, '/srv/app')).toThrow(/SCORER.*embedded or none/);
    expect(() => loadConfig({ SANDBOX_MEMORY_MB: '128' }, '/srv/app')).toThrow(/SANDBOX_MEMORY_MB.*256/);
    expect(loadConfig({ SANDBOX_MEMORY_MB: '8192', SCORER: 'none' }, '/srv/app')).toMatchObject({ sandboxMemoryMb: 8192, scorer: 'none' });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }, '/x')).toMatchObject({ port: 3000, logLevel: 'info' });
  });

  it('reads and normalises what is set', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        NODE_ENV: 'production',
        DATA_DIR: '/var/lib/proving',
        DATABASE_URL: 'postgresql://u:p@db:5432/proving',
        ADMIN_EMAILS: ' Ada@Example.com, grace@example.com ,',
        ARTIFACT_STORE: 's3://proving-artifacts/prod',
      },
      '/x',
    );
    expect(config).toMatchObject({
      port: 8080,
      isProduction: true,
      dataDir: '/var/lib/proving',
      databaseUrl: 'postgresql://u:p@db:5432/proving',
      adminEmails: ['ada@example.com', 'grace@example.com'],
      artifactStore: 's3://proving-artifacts/prod',
    });
  });

  it.each([
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ PORT: '70000' }, 'PORT', 'PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ PORT: '-1' }, 'PORT', 'PORT must be a whole number from 0 to 65535 (got "-1")'],
    [{ DATABASE_URL: 'postgres//nope' }, 'DATABASE_URL', 'DATABASE_URL must be a URL like postgresql://user:password@host:5432/database'],
    [
      { DATABASE_URL: 'postgresql://u:p@host' },
      'DATABASE_URL',
      'DATABASE_URL must be a URL like postgresql://user:password@host:5432/database',
    ],
    [
      { ADMIN_EMAILS: 'root, ada@example.com' },
      'ADMIN_EMAILS',
      'ADMIN_EMAILS must be a comma-separated list of email addresses (got "root, ada@example.com")',
    ],
    [
      { ARTIFACT_STORE: 'ftp://x/y' },
      'ARTIFACT_STORE',
      'ARTIFACT_STORE must be a folder path, file:///path or s3://bucket/prefix (got "ftp://x/y")',
    ],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE', 'DATABASE_POOL_SIZE must be a whole number from 1 to 100 (got "0")'],
  ])('refuses %j naming %s', (env, variable, message) => {
    let thrown: unknown;
    try {
      loadConfig(env, '/x');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toBe(message);
  });

  it('never echoes a DATABASE_URL back (it may hold a password)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' }, '/x')).toThrow(/^(?!.*hunter2)/);
  });

  it('lists exactly the variables of the README environment table', () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'));
    const documented = [...table.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((match) => match[1]).sort();
    expect(documented).toEqual(Object.keys(environmentSchema.shape).sort());
  });
});
