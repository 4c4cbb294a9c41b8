export * from './team-errors';
export * from './team-rules';
