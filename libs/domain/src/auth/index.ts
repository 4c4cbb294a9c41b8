export * from './actor';
export * from './auth-errors';
export * from './account-rules';
