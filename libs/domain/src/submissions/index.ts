export * from './submission-errors';
