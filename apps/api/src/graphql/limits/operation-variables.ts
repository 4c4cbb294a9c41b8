import { getVariableValues, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

export type VariableValues = Readonly<Record<string, unknown>>;

/**
 * The variables of one operation as execution will see them: coerced, defaults applied. When they
 * do not coerce, execution refuses the request itself before any resolver runs, so the limits
 * fall back to defaults rather than report a second error.
 */
export function operationVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  given: VariableValues | null | undefined,
): VariableValues {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], given ?? {}, { maxErrors: 1 });
  return result.coerced ?? {};
}
