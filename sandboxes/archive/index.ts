export { listSourceArchive } from './list-source-archive';
export * from './types';
