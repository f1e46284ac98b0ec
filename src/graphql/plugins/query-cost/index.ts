// The query cost limit: an operation whose cost (./operation-cost.ts) is over the limit is
// refused before any resolver runs. It is checked when execution starts, not in validation,
// because page sizes may be variables and yoga caches validation per document; a
// subscription is costed the same way, for each event it will deliver.
import { GraphQLError } from 'graphql';
import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { operationCost, type ListSizes } from './operation-cost.js';

export { operationCost, type ListSizes } from './operation-cost.js';

export interface QueryCostLimitOptions {
  /** The most an operation may cost. */
  readonly maxCost: number;
  readonly sizes: ListSizes;
}

/** `extensions.reason` of a refusal. */
export const QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY';

export function useQueryCostLimit(options: QueryCostLimitOptions): Plugin {
  const refuseCostly = ({ args, setResultAndStopExecution }: CostCheck) => {
    const cost = operationCost(args.schema, args, options.sizes);
    if (cost <= options.maxCost) return;
    const message = `Query cost limit of ${options.maxCost} exceeded, found ${cost}.`;
    setResultAndStopExecution({
      errors: [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason: QUERY_TOO_COSTLY, cost, maxCost: options.maxCost } })],
    });
  };
  return { onExecute: refuseCostly, onSubscribe: refuseCostly };
}

interface CostCheck {
  readonly args: ExecutionArgs;
  setResultAndStopExecution(result: { errors: GraphQLError[] }): void;
}
