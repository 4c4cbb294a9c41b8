import { Kind, type ASTNode, type ValidationRule, type VariableNode } from 'graphql';
import { PaginationErrorCode } from '@app/domain';
import { limitError } from '../limits/limit-errors';
import { operationVariables, type VariableValues } from '../limits/operation-variables';
import { isValidPageSize, PAGE_SIZE_ARGUMENT, pageSizeMessage } from './page-size';

/**
 * `first` must be 1–100 on every field that takes it, refused before any resolver runs:
 * literals are checked where they stand; a variable in a `first` position is checked with the
 * value the request gives it (or its default), for each operation that uses it, fragments included.
 * Answers BAD_USER_INPUT with reason PAGE_SIZE_OUT_OF_RANGE, as `assertPageSize` does.
 */
export function pageSizeRule(variables: VariableValues | null | undefined): ValidationRule {
  return (context) => {
    const variablesInPageSizePosition = new Set<VariableNode>();
    const refuse = (got: unknown, node: ASTNode) =>
      context.reportError(
        limitError({ code: 'BAD_USER_INPUT', reason: PaginationErrorCode.PageSizeOutOfRange }, pageSizeMessage(got), node),
      );

    return {
      Argument(node) {
        // Only field arguments named `first` that the schema knows (unknown ones are reported by KnownArgumentNamesRule).
        if (node.name.value !== PAGE_SIZE_ARGUMENT || context.getDirective() || !context.getArgument()) return;
        const { value } = node;
        if (value.kind === Kind.VARIABLE) variablesInPageSizePosition.add(value);
        else if (value.kind === Kind.INT && !isValidPageSize(Number(value.value))) refuse(Number(value.value), node);
        else if (value.kind === Kind.NULL) refuse(null, node);
        // Any other literal is the wrong type: ValuesOfCorrectTypeRule reports it.
      },
      // At the end, because fragments may be defined after the operations that spread them.
      Document: {
        leave(document) {
          for (const operation of document.definitions) {
            if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
            const values = operationVariables(context.getSchema(), operation, variables);
            for (const usage of context.getRecursiveVariableUsages(operation)) {
              if (!variablesInPageSizePosition.has(usage.node)) continue;
              const value = values[usage.node.name.value];
              // Not given and no default: the argument's own default (in range) applies.
              if (value !== undefined && !isValidPageSize(value)) refuse(value, usage.node);
            }
          }
        },
      },
    };
  };
}
