export * from './submission-errors';
export * from './scoring-outcome';
