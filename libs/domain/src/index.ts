export * from './errors';
export * from './auth';
export * from './authorization';
export * from './pagination';
export * from './teams';
export * from './text';
export * from './challenges';
export * from './artifacts';
