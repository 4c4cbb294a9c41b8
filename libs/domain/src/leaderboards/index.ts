export * from './leaderboard-errors';
export * from './ranking';
