import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import type { MetricsService } from './metrics.service';

const STARTED = Symbol('graphqlStartedAt');
const OPERATION = Symbol('graphqlOperation');

type TimedContext = MercuriusContext & { [STARTED]?: bigint; [OPERATION]?: { type: string; name: string } };

/** Operation names are chosen by clients: after this many distinct ones, new names count as "other". */
const MAX_OPERATION_NAMES = 200;

/** Mercurius hooks that time each executed operation. */
export function graphqlMetricsHooks(metrics: MetricsService) {
  const seenNames = new Set<string>();
  const labelFor = (name: string) => {
    if (seenNames.has(name)) return name;
    if (seenNames.size >= MAX_OPERATION_NAMES) return 'other';
    seenNames.add(name);
    return name;
  };
  return {
    preExecution: async (_schema: unknown, document: DocumentNode, context: TimedContext) => {
      context[STARTED] = process.hrtime.bigint();
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
      context[OPERATION] = {
        type: operation?.operation ?? 'unknown',
        name: labelFor(operation?.name?.value.slice(0, 64) ?? 'anonymous'),
      };
    },
    onResolution: async (execution: { errors?: readonly unknown[] }, context: TimedContext) => {
      const started = context[STARTED];
      const operation = context[OPERATION];
      if (started === undefined || operation === undefined) return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.recordGraphql(operation.type, operation.name, execution.errors?.length ? 'error' : 'ok', seconds);
    },
  };
}
