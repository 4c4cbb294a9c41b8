export * from './submission-errors';
export * from './scoring-outcome';
export * from './stored-timing';
