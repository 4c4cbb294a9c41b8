export { readAddressSpaceLimit, runProbe } from './run-probe';
export * from './types';
