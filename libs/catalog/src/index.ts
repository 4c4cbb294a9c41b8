export * from './definition';
export * from './catalog-loader';
export * from './catalog-location';
export * from './catalog-entry';
export * from './session-example';
export { attr, buildModelBytes, GraphBuilder } from './models/onnx-graph';
