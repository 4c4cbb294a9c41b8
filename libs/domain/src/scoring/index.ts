export * from './speedup-verdict';
