export * from './progress-errors';
export * from './streaks';
export * from './journal-rules';
export * from './milestones';
