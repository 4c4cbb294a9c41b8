export * from './errors';
export * from './auth';
export * from './authorization';
export * from './teams';
