export { MAX_MEMORY_BYTES, MAX_RESOURCE_FAILURES, MAX_STACK_BYTES, runHiddenTests } from './run-hidden-tests';
export { compareResult } from './compare-result';
export { MAX_CODE_BYTES } from './prepare-source';
export * from './types';
export { codeMetrics, measureCode, type CodeMetrics, type CodeMetricsTask, type CodeNotMeasuredReason } from './code-metrics';
