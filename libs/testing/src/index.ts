export { findFreePort as freePort } from '../../config/src/port-check';
export * from './test-database';
export * from './factories/certificate.factory';
export * from './factories/timing.factory';
export * from './code-corpus';
export * from './xml';
