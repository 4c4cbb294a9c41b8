export { findFreePort as freePort } from '../../config/src/port-check';
export * from './test-database';
