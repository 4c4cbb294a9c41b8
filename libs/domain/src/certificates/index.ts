export * from './certificate';
export * from './certificate-check';
export * from './certificate-errors';
export * from './certificate-signing';
