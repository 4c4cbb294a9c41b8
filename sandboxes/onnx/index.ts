export { evaluateParity, formatNumber, MAX_RUNTIME_MESSAGE_CHARS, MIN_PARITY_BATCHES, parityErrorCode } from './evaluate-parity';
export {
  benchmarkModels,
  MIN_BENCHMARK_ROUNDS,
  type BenchmarkRecheck,
  type BenchmarkResult,
  type BenchmarkRound,
  type BenchmarkTask,
  type RoundStatistic,
} from './benchmark';
export { measureModelMemory, type MemoryMethod, type MemoryResult, type MemoryTask } from './memory';
export {
  checkModel,
  DEFAULT_MODEL_CHECK_RULES,
  MAX_DECODED_BYTES,
  MAX_SUBGRAPH_DEPTH,
  MODEL_CHECK_CODES,
  type ModelCheckCode,
  type ModelCheckResult,
  type ModelCheckRules,
  type ModelCheckSummary,
  type ModelCheckTask,
} from './check-model';
export { hiddenBatch, resolveInputShape, type ConcreteInput, type HiddenTensor } from './hidden-inputs';
export * from './types';
