import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Proving Ground reads. This file and the README's environment table
 * list the same names; `config.spec.ts` fails when they disagree.
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const NODE_ENVS = ['development', 'test', 'production'] as const;

const boundedWholeNumber = (min: number, max: number, unit = '') => {
  const rule = `must be a whole number${unit} from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, rule)
    .transform(Number)
    .refine((n) => n >= min && n <= max, rule);
};
const wholeNumber = (min: number, max: number, fallback: number, unit = '') => boundedWholeNumber(min, max, unit).default(fallback);
const port = (fallback: number) => wholeNumber(0, 65535, fallback);

const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}, 'must be a URL like postgresql://user:password@host:5432/database');

const emailList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter((email) => email.length > 0),
  )
  .refine((emails) => emails.every((email) => /^[^\s@]+@[^\s@]+$/.test(email)), 'must be a comma-separated list of email addresses');

const artifactStore = z.string().refine((value) => {
  if (value.startsWith('s3://')) return /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(value);
  return !value.includes('://') || value.startsWith('file://');
}, 'must be a folder path, file:///path or s3://bucket/prefix');

export const environmentSchema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(NODE_ENVS).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: postgresUrl.optional(),
  EMBEDDED_DATABASE_PORT: port(54329),
  DATABASE_POOL_SIZE: wholeNumber(1, 100, 10),
  ADMIN_EMAILS: emailList.default([]),
  ARTIFACT_STORE: artifactStore.optional(),
  SHADOW_DATABASE_URL: postgresUrl.optional(),
  S3_ENDPOINT: z.url({ message: 'must be a URL like https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000' }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((value) => value === 'true')
    .default(false),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(100, 600_000, 10_000, ' of milliseconds'),
  SCORER: z.enum(['embedded', 'none'], { message: 'must be embedded or none' }).default('embedded'),
  SCORER_CONCURRENCY: wholeNumber(1, 16, 1),
  SANDBOX_MEMORY_MB: boundedWholeNumber(256, 262_144, ' of MiB').optional(),
  SANDBOX_TASK_TIMEOUT_MS: wholeNumber(1_000, 3_600_000, 120_000, ' of milliseconds'),
  REVIEW_LEASE_SECONDS: wholeNumber(1, 86_400, 1_800, ' of seconds'),
  UPLOAD_TIMEOUT_MS: wholeNumber(1_000, 3_600_000, 600_000, ' of milliseconds'),
});

export type Environment = z.infer<typeof environmentSchema>;

/** The typed configuration the rest of the code receives; nothing else reads process.env. */
export interface AppConfig {
  port: number;
  host: string;
  nodeEnv: (typeof NODE_ENVS)[number];
  isProduction: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  dataDir: string;
  /** Set when an external PostgreSQL is used; undefined means "start the embedded one". */
  databaseUrl: string | undefined;
  embeddedDatabasePort: number;
  databasePoolSize: number;
  adminEmails: readonly string[];
  artifactStore: string;
  shutdownTimeoutMs: number;
  /** S3-compatible storage, used when `artifactStore` is `s3://bucket/prefix`. */
  s3: { endpoint?: string; region: string; credentials?: { accessKeyId: string; secretAccessKey: string }; forcePathStyle: boolean };
  /**
   * `embedded`: the API process also runs a scorer (single-process mode, the default); `none`: it
   * only serves, and separate `node dist/apps/scorer/src/main.js` processes score.
   */
  scorer: 'embedded' | 'none';
  /** Jobs a scorer runs at once (timing tasks still run alone on its sandbox host). */
  scorerConcurrency: number;
  /** Address-space cap of the sandbox host process, MiB; undefined: the sandbox host's default. */
  sandboxMemoryMb: number | undefined;
  /** Default time limit of one sandbox task (a challenge may set its own). */
  sandboxTaskTimeoutMs: number;
  /** How long a mentor's claim on a review holds before it returns to the queue. */
  reviewLeaseMs: number;
  /** An upload body not complete by then is cut off (408): slow-drip clients hold no connection or temp file longer. */
  uploadTimeoutMs: number;
  /** Scratch server for `npm run db:new-migration` (its role needs CREATEDB); else a throwaway embedded one. */
  shadowDatabaseUrl: string | undefined;
}

export function toAppConfig(env: Environment, cwd: string): AppConfig {
  const dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(cwd, env.DATA_DIR);
  return {
    port: env.PORT,
    host: env.HOST,
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    embeddedDatabasePort: env.EMBEDDED_DATABASE_PORT,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    adminEmails: env.ADMIN_EMAILS,
    artifactStore: env.ARTIFACT_STORE ?? resolve(dataDir, 'artifacts'),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    shadowDatabaseUrl: env.SHADOW_DATABASE_URL,
    scorer: env.SCORER,
    scorerConcurrency: env.SCORER_CONCURRENCY,
    sandboxMemoryMb: env.SANDBOX_MEMORY_MB,
    sandboxTaskTimeoutMs: env.SANDBOX_TASK_TIMEOUT_MS,
    reviewLeaseMs: env.REVIEW_LEASE_SECONDS * 1_000,
    uploadTimeoutMs: env.UPLOAD_TIMEOUT_MS,
    s3: {
      ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
      region: env.S3_REGION,
      ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } }
        : {}),
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    },
  };
}
