import SubscriptionConnection from 'mercurius/lib/subscription-connection.js';
import { parseOverGraphqlWs } from './graphql-limit-hooks';

const GUARDED = Symbol.for('proving-ground.graphql-ws-guard');

/**
 * Mercurius parses the document of every graphql-ws `subscribe` message in full (graphql-js
 * `parse` without `maxTokens`) before any hook runs: one 1 MiB message of 500,000 tokens held the
 * event loop for about 2 s, however the limits refused it afterwards. This checks the token limit
 * and the depth first, with a parse that stops at token 2,001; a refusal is thrown where Mercurius
 * sends it to the client as the operation's error (with the code and reason HTTP gives).
 * Idempotent: every app in a process shares Mercurius's class.
 */
export function guardGraphqlWsParsing(): void {
  const prototype = SubscriptionConnection.prototype as SubscriptionConnection & { [GUARDED]?: true };
  if (prototype[GUARDED]) return;
  const handleGQLStart = prototype.handleGQLStart;
  // Async, so that a refusal rejects the promise Mercurius catches (a synchronous throw closes the socket).
  prototype.handleGQLStart = async function (this: SubscriptionConnection, data) {
    const query = data?.payload?.query;
    if (typeof query === 'string') parseOverGraphqlWs(query);
    return handleGQLStart.call(this, data);
  };
  prototype[GUARDED] = true;
}
