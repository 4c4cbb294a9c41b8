export * from './config.schema';
export * from './config';
export * from './config.module';
export * from './port-check';
export * from './project-root';
export * from './process-alive';
