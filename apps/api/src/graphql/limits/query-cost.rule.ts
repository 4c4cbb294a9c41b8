import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  valueFromAST,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE, PAGE_SIZE_ARGUMENT } from '../pagination/page-size';
import { formatCount, GraphqlLimitReason } from './graphql-limits';
import { limitError } from './limit-errors';
import { operationVariables, type VariableValues } from './operation-variables';

/**
 * At most `maxCost` per operation, computed from the document alone, before anything runs:
 *
 *   cost(selection set) = Σ over its fields f of  1 + n(f) × cost(selection set of f)
 *   n(f) = the value of f's `first` argument when f has one (variables resolved; when not given,
 *          the argument's default, else 20), otherwise 1
 *
 * Fragments (named and inline) are expanded where they appear, a named one at each spread; every
 * branch of a union or interface selection counts (the static bound cannot know which one
 * applies). Fields are not merged: `{ a a }` costs 2. Lists without `first` (introspection's
 * `types`, `fields`) cost like single objects. An out-of-range `first` counts as the nearest
 * allowed value (1 or 100), so that it is refused once, by `pageSizeRule`, and not twice.
 */
export function queryCostRule(options: { maxCost: number; variables?: VariableValues | null }): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const cost = operationCost(context, operation, options.variables);
      if (cost > options.maxCost) {
        context.reportError(
          limitError(
            { code: 'GRAPHQL_VALIDATION_FAILED', reason: GraphqlLimitReason.QueryTooCostly },
            `the operation costs ${formatCount(cost)}; the limit is ${formatCount(options.maxCost)} ` +
              '(each field costs 1, and a field with `first: n` costs 1 + n × the cost of its selection)',
            operation,
          ),
        );
      }
      return false;
    },
  });
}

export function operationCost(context: ValidationContext, operation: OperationDefinitionNode, variables?: VariableValues | null): number {
  const schema = context.getSchema();
  const values = operationVariables(schema, operation, variables);
  const fragmentCosts = new Map<string, number>();

  const costOf = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined, visiting: Set<string>): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldDefinition(schema, parentType, selection.name.value);
        const inner = selection.selectionSet ? costOf(selection.selectionSet, field && getNamedType(field.type), visiting) : 0;
        cost += 1 + pageSize(field, selection, values) * inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        cost += costOf(selection.selectionSet, type ?? undefined, visiting);
      } else {
        cost += fragmentCost(selection.name.value, visiting);
      }
    }
    return cost;
  };

  // A fragment's cost does not depend on where it is spread, so each is computed once.
  const fragmentCost = (name: string, visiting: Set<string>): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = context.getFragment(name);
    // Unknown or cyclic fragments: KnownFragmentNamesRule and NoFragmentCyclesRule report those.
    if (!fragment || visiting.has(name)) return 0;
    visiting.add(name);
    const cost = costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, visiting);
    visiting.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  return costOf(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, new Set());
}

/** The schema's definition of a field, meta fields included (as graphql-js's TypeInfo finds them). */
function fieldDefinition(
  schema: GraphQLSchema,
  parentType: GraphQLNamedType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (!parentType || !isCompositeType(parentType)) return undefined;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parentType === schema.getQueryType() && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (parentType === schema.getQueryType() && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
}

/** n(f): how many times a field's selection is paid for. */
function pageSize(field: GraphQLField<unknown, unknown> | undefined, node: FieldNode, values: VariableValues): number {
  const argument = field?.args.find((arg) => arg.name === PAGE_SIZE_ARGUMENT);
  if (!argument) return 1;
  const given = node.arguments?.find((arg) => arg.name.value === PAGE_SIZE_ARGUMENT);
  // A variable the request leaves out falls back to the argument's default, as in execution.
  const value = (given ? valueFromAST(given.value, argument.type, values) : undefined) ?? argument.defaultValue;
  if (typeof value !== 'number') return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, value));
}
