import { GraphQLError, Location, parse, specifiedRules, validate, type DocumentNode, type ValidationRule } from 'graphql';
import type {
  MercuriusContext,
  preExecutionHookHandler,
  preParsingHookHandler,
  preSubscriptionExecutionHookHandler,
  preValidationHookHandler,
} from 'mercurius';
import queryDepth from 'mercurius/lib/queryDepth.js';
import { asSubscriptionError } from '../graphql-error-formatter';
import { pageSizeRule } from '../pagination/page-size.rule';
import { GRAPHQL_LIMITS, GraphqlLimitReason } from './graphql-limits';
import { limitError, OperationRefused } from './limit-errors';
import { maxAliasesRule } from './max-aliases.rule';
import { noIntrospectionRule } from './no-introspection.rule';
import type { VariableValues } from './operation-variables';
import { queryCostRule } from './query-cost.rule';

/**
 * Rules that need only the document. Mercurius runs them with the specified rules and caches the
 * verdict per document text.
 */
export function documentRules(production: boolean): ValidationRule[] {
  return [maxAliasesRule(GRAPHQL_LIMITS.maxAliases), ...(production ? [noIntrospectionRule] : [])];
}

/**
 * Rules that need the request's variables (`first: $n`). Mercurius skips validation for documents
 * it has cached, and refuses its variables-aware form of `validationRules` while that cache is on,
 * so these run on every request in `preExecution`: after variables are coerced, before execution.
 */
export function requestRules(variables: VariableValues | null | undefined): ValidationRule[] {
  return [queryCostRule({ maxCost: GRAPHQL_LIMITS.maxCost, variables }), pageSizeRule(variables)];
}

/**
 * Mercurius accepts a `query` string that is not GraphQL but JSON, and runs it as a ready-made
 * syntax tree: no parse, so no token limit. Only documents the parser built carry a `Location`.
 */
function refusePreparsedDocuments(document: DocumentNode): void {
  if (!(document.loc instanceof Location)) {
    throw limitError(
      { code: 'GRAPHQL_PARSE_FAILED', reason: GraphqlLimitReason.PreparsedDocument },
      'Syntax Error: query must be GraphQL source text; pre-parsed (JSON) documents are not accepted',
    );
  }
}

function throwIfAny(errors: readonly GraphQLError[]): void {
  if (errors.length > 0) throw new OperationRefused(errors);
}

/**
 * A query or mutation sent over graphql-ws (no HTTP reply). Mercurius sends what it throws before
 * execution there without the error formatter, as one bare "Graphql validation error"; what the
 * hooks below throw keeps its message and `extensions` instead.
 */
function overGraphqlWs(context: MercuriusContext): boolean {
  return (context as Partial<MercuriusContext>).reply === undefined;
}

/**
 * A graphql-ws document within the token and depth limits, or the refusal as over HTTP (a syntax
 * error as GRAPHQL_PARSE_FAILED).
 */
export function parseOverGraphqlWs(source: string): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: GRAPHQL_LIMITS.maxTokens });
  } catch (error) {
    throw asSubscriptionError(error);
  }
  const tooDeep = queryDepth(document.definitions, GRAPHQL_LIMITS.maxDepth);
  if (tooDeep.length > 0) throw asSubscriptionError(tooDeep[0]);
  return document;
}

/** The limits that Mercurius's options cannot express, as Mercurius hooks. */
export function graphqlLimitHooks(settings: { production: boolean }) {
  // Mercurius does not validate subscription documents at all (graphql-js `subscribe` assumes a
  // valid one), and its subscription hooks do not see the variables: a `first: $n` there counts
  // with its default.
  const documentValidation = [...specifiedRules, ...documentRules(settings.production)];
  const subscriptionRules = [...documentValidation, ...requestRules(undefined)];

  // Over graphql-ws the token limit, the depth and the document rules are checked before Mercurius
  // parses (its cache of refused documents would answer first, without a code), so that a refusal
  // arrives with the code and reason HTTP gives. HTTP leaves them to Mercurius and the formatter.
  const preParsing: preParsingHookHandler = (schema, source, context) => {
    if (!overGraphqlWs(context)) return;
    const document = parseOverGraphqlWs(source);
    const errors = validate(schema, document, documentValidation, { hideSuggestions: settings.production });
    if (errors.length > 0) throw asSubscriptionError(errors[0]);
  };

  const preValidation: preValidationHookHandler = (_schema, document) => refusePreparsedDocuments(document);

  const preExecution: preExecutionHookHandler = (schema, document, _context, variables) =>
    throwIfAny(validate(schema, document, requestRules(variables)));

  const preSubscriptionExecution: preSubscriptionExecutionHookHandler = (schema, document) => {
    refusePreparsedDocuments(document);
    throwIfAny(validate(schema, document, subscriptionRules, { hideSuggestions: settings.production }));
  };

  return { preParsing, preValidation, preExecution, preSubscriptionExecution };
}
