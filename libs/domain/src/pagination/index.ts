export * from './pagination-errors';
