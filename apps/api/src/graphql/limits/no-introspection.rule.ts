import { getNamedType, isIntrospectionType, type ValidationRule } from 'graphql';
import { GraphqlLimitReason } from './graphql-limits';
import { limitError } from './limit-errors';

/**
 * Production refuses introspection (`__schema`, `__type` and anything returning an introspection
 * type), as graphql-js's NoSchemaIntrospectionCustomRule does, but with a code and reason.
 * `__typename` stays allowed: clients need it for unions and caching.
 */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const type = getNamedType(context.getType());
    if (type && isIntrospectionType(type)) {
      context.reportError(
        limitError(
          { code: 'GRAPHQL_VALIDATION_FAILED', reason: GraphqlLimitReason.IntrospectionDisabled },
          `introspection is disabled on this server (field "${node.name.value}")`,
          node,
        ),
      );
      // One error per entry point (`__schema`, `__type`), not one more for each field below it.
      return false;
    }
    return undefined;
  },
});
