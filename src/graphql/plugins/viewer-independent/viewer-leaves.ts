// Viewer leaves in a shared result. When an event's result is shared and its selection holds
// viewer leaves, the one shared execution runs with a collecting context: each viewer leaf it
// resolves is recorded with its path in the result and a way to resolve it again. Each
// subscriber then gets the shared result with its own value put in at those paths (copying
// only the objects along them); everything else stays shared.
import type { ExecutionResult, GraphQLResolveInfo } from 'graphql';

const COLLECTED = Symbol('viewerLeaves');

export interface ViewerLeaf {
  /** Response keys (aliases) and list indexes from the result's `data` down to the leaf. */
  readonly path: readonly (string | number)[];
  /** The leaf's value for whoever `context` belongs to. */
  resolve(context: object): unknown;
}

/** A context that records the viewer leaves an execution with it resolves. */
export function collectingContext<C extends object>(context: C): { readonly context: C; readonly leaves: ViewerLeaf[] } {
  const leaves: ViewerLeaf[] = [];
  return { context: { ...context, [COLLECTED]: leaves }, leaves };
}

/** Called by a viewer leaf's resolver: records it when the execution is collecting. */
export function recordViewerLeaf(context: unknown, info: GraphQLResolveInfo, resolve: (context: object) => unknown): void {
  const leaves = (context as { [COLLECTED]?: ViewerLeaf[] } | null)?.[COLLECTED];
  if (leaves) leaves.push({ path: responsePath(info), resolve });
}

/** `shared` with each leaf's value for `context`; `shared` itself is not changed. */
export async function withViewerLeaves(shared: ExecutionResult, leaves: readonly ViewerLeaf[], context: object): Promise<ExecutionResult> {
  const values = await Promise.all(leaves.map((leaf) => leaf.resolve(context)));
  let data = shared.data as Record<string, unknown>;
  leaves.forEach((leaf, i) => (data = setAt(data, leaf.path, values[i]) as Record<string, unknown>));
  return { ...shared, data };
}

/** A copy of `node` with `value` at `path`, sharing everything off the path. */
function setAt(node: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  const copy = Array.isArray(node) ? [...node] : { ...(node as Record<string, unknown>) };
  (copy as Record<string | number, unknown>)[key!] = setAt((node as Record<string | number, unknown>)[key!], rest, value);
  return copy;
}

function responsePath(info: GraphQLResolveInfo): (string | number)[] {
  const path: (string | number)[] = [];
  for (let step: GraphQLResolveInfo['path'] | undefined = info.path; step; step = step.prev) path.unshift(step.key);
  return path;
}
