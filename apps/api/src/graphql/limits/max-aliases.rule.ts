import { Kind, type SelectionSetNode, type ValidationRule } from 'graphql';
import { formatCount, GraphqlLimitReason } from './graphql-limits';
import { limitError } from './limit-errors';

/**
 * At most `maxAliases` aliased fields (`name: field`) per operation. What counts: every field
 * written with an alias, wherever it sits in the operation, with fragments (named and inline)
 * expanded — a named fragment counts again at each spread, because each spread is a separate place
 * where a client can multiply work. `__typename` counts like any field; an alias equal to the
 * field's name still counts (it is an alias in the document). Each operation of a document is
 * checked on its own (only one executes).
 */
export function maxAliasesRule(maxAliases: number): ValidationRule {
  return (context) => {
    const fragmentCounts = new Map<string, number>();

    const countIn = (selectionSet: SelectionSetNode, visiting: Set<string>): number => {
      let count = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) count += 1;
          if (selection.selectionSet) count += countIn(selection.selectionSet, visiting);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          count += countIn(selection.selectionSet, visiting);
        } else {
          count += fragmentCount(selection.name.value, visiting);
        }
      }
      return count;
    };

    // Memoised, so a fragment spread many times is counted once and multiplied, not re-walked.
    const fragmentCount = (name: string, visiting: Set<string>): number => {
      const known = fragmentCounts.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // Unknown or cyclic fragments: KnownFragmentNamesRule and NoFragmentCyclesRule report those.
      if (!fragment || visiting.has(name)) return 0;
      visiting.add(name);
      const count = countIn(fragment.selectionSet, visiting);
      visiting.delete(name);
      fragmentCounts.set(name, count);
      return count;
    };

    return {
      OperationDefinition(operation) {
        const count = countIn(operation.selectionSet, new Set());
        if (count > maxAliases) {
          context.reportError(
            limitError(
              { code: 'GRAPHQL_VALIDATION_FAILED', reason: GraphqlLimitReason.TooManyAliases },
              `the operation uses ${formatCount(count)} aliases (fragments counted at each spread); at most ${maxAliases} are allowed`,
              operation,
            ),
          );
        }
        return false;
      },
    };
  };
}
