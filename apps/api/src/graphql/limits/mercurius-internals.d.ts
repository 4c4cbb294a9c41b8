// Two of Mercurius's files it does not export (pinned by package-lock; specs fail on a change):
// its own depth count (the `queryDepth` option), run by the graphql-ws hooks so that one
// definition of depth holds on both paths, and the graphql-ws connection, whose handling of a
// `subscribe` message is guarded (graphql-ws-guard.ts).
declare module 'mercurius/lib/queryDepth.js' {
  function queryDepth(definitions: readonly import('graphql').DefinitionNode[], queryDepthLimit: number): Error[];
  export = queryDepth;
}

declare module 'mercurius/lib/subscription-connection.js' {
  class SubscriptionConnection {
    handleGQLStart(data: { id?: string; payload?: { query?: unknown } }): Promise<void>;
  }
  export = SubscriptionConnection;
}
