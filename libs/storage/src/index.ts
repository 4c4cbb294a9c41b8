export * from './artifact-store';
export * from './artifact-store.errors';
export { assertSha256Digest, isSha256Digest } from './artifact-streams';
export * from './create-artifact-store';
export * from './local-artifact-store';
export * from './s3-artifact-store';
export * from './storage.module';
