export * from './edit-log';
export { CharOrigin, EditDocument } from './edit-document';
export { playback, replay, type ReplayOutcome } from './replay';
export * from './integrity-evidence';
export * from './session-errors';
export * from './session-clock';
export * from './submitted-code';
export * from './code-result';
