export * from './scoring-queue';
