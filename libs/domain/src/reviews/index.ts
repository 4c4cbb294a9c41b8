export * from './review-errors';
export * from './review-rules';
