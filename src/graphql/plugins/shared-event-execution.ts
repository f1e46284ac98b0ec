// Subscription events executed once per group, not once per subscriber. A live message
// reaches every local subscriber of its room as the same object; subscribers with the same
// document, operation and variables compute the same result when every field they select is
// declared viewer-independent (see ./viewer-independent), so the first one computes it and
// the rest share it. Where the only other fields are viewer leaves (`reactedByMe`), the result
// is still computed once, and each subscriber gets it with its own leaves put in. Any other
// selection is executed for each subscriber on its own.
// A transport that passes a ResultWriter with an operation also gets each result serialized
// once and written straight to its client, past the per-result layers (envelop's result
// hooks, graphql-ws's framing) that would otherwise run once per subscriber.
import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { collectingContext, selectionSharing, type ViewerLeaf, withViewerLeaves } from './viewer-independent/index.js';

/** Writes one operation's results to its client, in order; a promise means "wait before the next". */
export interface ResultWriter {
  write(resultJson: string): Promise<void> | undefined;
}

/** Execution arguments of a subscription whose error-free results go to `resultWriter` instead of through the transport's result path. */
export interface SharedExecutionArgs extends ExecutionArgs {
  readonly resultWriter?: ResultWriter;
}

export interface SharedEventExecutionOptions<C> {
  /**
   * The context one execution of `event` runs with, made from the subscription's: where
   * caches that must live for one event delivery only (lookups) are made or found.
   */
  readonly contextForEvent?: (context: C, event: unknown) => C;
}

export function useSharedEventExecution<C extends object>(options: SharedEventExecutionOptions<C> = {}): Plugin<C> {
  const contextForEvent = (options.contextForEvent ?? ((context: C) => context)) as (context: unknown, event: unknown) => object;
  const subscribe = (args: SharedExecutionArgs) => sharedSubscribe(args, contextForEvent);
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as never);
    },
  };
}

/** Shared executions per event object, by group key; they go when the event object does. */
const sharedByEvent = new WeakMap<object, Map<string, unknown>>();
const printed = new WeakMap<DocumentNode, string>();
/** Each result's JSON, made once for every subscriber that is written to directly. */
const serialized = new WeakMap<ExecutionResult, string>();

async function sharedSubscribe(
  args: SharedExecutionArgs,
  contextForEvent: (context: unknown, event: unknown) => object,
): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const contextOf = (event: unknown) => contextForEvent(args.contextValue, event);
  const run = (event: unknown) => execute({ ...args, contextValue: contextOf(event), rootValue: event });
  const sharing = selectionSharing(args.schema, args.document, args.operationName);
  const key = sharing === 'own' ? null : groupKey(args);
  let executeEvent: Execute = run;
  if (key !== null && sharing === 'shared') executeEvent = (event) => once(event, key, () => run(event));
  if (key !== null && sharing === 'viewer-leaves') {
    const runCollecting = async (event: unknown): Promise<CollectedExecution> => {
      const { context, leaves } = collectingContext(contextOf(event));
      return { result: await execute({ ...args, contextValue: context, rootValue: event }), leaves };
    };
    executeEvent = async (event) => {
      const { result, leaves } = await once(event, key, () => runCollecting(event));
      // Errors may be the first subscriber's own: each subscriber then executes for itself.
      if (result.errors) return run(event);
      return leaves.length === 0 ? result : withViewerLeaves(result, leaves, contextOf(event));
    };
  }
  return args.resultWriter
    ? new DirectlyWritten(source, executeEvent, args.resultWriter)
    : new MappedEvents(source, executeEvent);
}

interface CollectedExecution {
  readonly result: ExecutionResult;
  readonly leaves: readonly ViewerLeaf[];
}

function groupKey(args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) printed.set(args.document, (text = print(args.document)));
  return JSON.stringify([text, args.operationName ?? null, args.variableValues ?? {}]);
}

/** The group's execution of `event`: made by the first subscriber that asks, shared by the rest. */
function once<T>(event: unknown, key: string, compute: () => T): T {
  if (typeof event !== 'object' || event === null) return compute();
  let byKey = sharedByEvent.get(event);
  if (!byKey) sharedByEvent.set(event, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, compute());
  return byKey.get(key) as T;
}

type Execute = (event: unknown) => Promise<ExecutionResult> | ExecutionResult;

/** A subscription's results, one per source event; returning or throwing reaches the source. */
abstract class EventResults implements AsyncIterableIterator<ExecutionResult> {
  protected readonly iterator: AsyncIterator<unknown>;
  /** Set once returned or thrown into: nothing more is executed or written. */
  protected stopped = false;

  constructor(
    source: AsyncIterable<unknown>,
    protected readonly execute: Execute,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  abstract next(): Promise<IteratorResult<ExecutionResult>>;

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.stopped = true;
    await this.iterator.return?.();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.stopped = true;
    await this.iterator.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}

/** Each event's result, handed to the transport. */
class MappedEvents extends EventResults {
  async next(): Promise<IteratorResult<ExecutionResult>> {
    const event = await this.iterator.next();
    return event.done ? { done: true, value: undefined } : { done: false, value: await this.execute(event.value) };
  }
}

/**
 * A subscription whose error-free results are written straight to the client: its `next()`
 * resolves only with a result that has errors (so masking and error codes still apply) or at
 * the end. Results leave in order either way: each is written before the next is read.
 */
class DirectlyWritten extends EventResults {
  constructor(
    source: AsyncIterable<unknown>,
    execute: Execute,
    private readonly writer: ResultWriter,
  ) {
    super(source, execute);
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      const event = await this.iterator.next();
      if (event.done || this.stopped) return { done: true, value: undefined };
      const result = await this.execute(event.value);
      if (this.stopped) return { done: true, value: undefined };
      if (result.errors) return { done: false, value: result };
      let json = serialized.get(result);
      if (json === undefined) serialized.set(result, (json = JSON.stringify(result)));
      const written = this.writer.write(json);
      if (written) await written;
    }
  }
}
