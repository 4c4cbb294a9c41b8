export * from './artifact-errors';
