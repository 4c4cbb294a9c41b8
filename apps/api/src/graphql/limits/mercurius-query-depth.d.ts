// Mercurius's own depth count (its `queryDepth` option), which it exports only as a file. The
// graphql-ws hooks run it early so that a refusal there carries the code HTTP gives; using
// Mercurius's function keeps one definition of depth on both paths.
declare module 'mercurius/lib/queryDepth.js' {
  function queryDepth(definitions: readonly import('graphql').DefinitionNode[], queryDepthLimit: number): Error[];
  export = queryDepth;
}
