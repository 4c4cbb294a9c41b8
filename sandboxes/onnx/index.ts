export { evaluateParity, formatNumber, MAX_RUNTIME_MESSAGE_CHARS, MIN_PARITY_BATCHES, parityErrorCode } from './evaluate-parity';
export { hiddenBatch, resolveInputShape, type ConcreteInput, type HiddenTensor } from './hidden-inputs';
export * from './types';
