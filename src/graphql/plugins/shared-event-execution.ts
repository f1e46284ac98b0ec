// Subscription events executed once per group, not once per subscriber. A live message
// reaches every local subscriber of its room as the same object; subscribers with the same
// document, operation and variables (and, where the selection depends on who asks, the same
// viewer) would compute the same result, so the first one computes it and the rest share it.
// A transport that registers a ResultWriter for an operation also gets each shared result
// serialized once and written straight to its client, past the per-result layers (envelop's
// result hooks, graphql-ws's framing) that would otherwise run once per subscriber.
import {
  createSourceEventStream,
  execute,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  BREAK,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../context.js';

/** Field extension marking a field whose value depends on the viewer (besides rate-limited ones). */
export const VIEWER_DEPENDENT = 'viewerDependent';

export interface SharedEventExecutionOptions<C> {
  /**
   * The context one execution of an event runs with, made from the subscription's: where
   * caches that must live for one event delivery only (lookups) are made fresh.
   */
  readonly contextForEvent?: (context: C) => C;
}

export function useSharedEventExecution<C extends object>(options: SharedEventExecutionOptions<C> = {}): Plugin<C> {
  const contextForEvent = options.contextForEvent ?? ((context: C) => context);
  const subscribe = (args: ExecutionArgs) => sharedSubscribe(args, contextForEvent as (context: unknown) => unknown);
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as never);
    },
  };
}

/** Results per event object, by group key; they go when the event object does. */
const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();
const printed = new WeakMap<DocumentNode, string>();
const sharedAcrossViewers = new WeakMap<DocumentNode, boolean>();
/** Each shared result's JSON, made once for every subscriber that is written to directly. */
const serialized = new WeakMap<ExecutionResult, string>();

/** Writes one operation's results to its client, in order; a promise means "wait before the next". */
export interface ResultWriter {
  write(resultJson: string): Promise<void> | undefined;
}

const writers = new WeakMap<object, ResultWriter>();

/** Results of the subscription run with `contextValue` go to `writer` instead of through the transport's result path. */
export function writeResultsDirectly(contextValue: object, writer: ResultWriter): void {
  writers.set(contextValue, writer);
}

async function sharedSubscribe(
  args: ExecutionArgs,
  contextForEvent: (context: unknown) => unknown,
): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const key = await groupKey(args);
  const execute = (event: unknown) => executeOnce(event, key, args, contextForEvent);
  const writer = writers.get(args.contextValue as object);
  return writer ? new DirectlyWritten(source, execute, writer) : new MappedEvents(source, execute);
}

async function groupKey(args: ExecutionArgs): Promise<string> {
  let text = printed.get(args.document);
  if (text === undefined) printed.set(args.document, (text = print(args.document)));
  const scope = isSharedAcrossViewers(args.schema, args.document)
    ? '*'
    : ((await (args.contextValue as GraphQLContext).viewer())?.id ?? 'anonymous');
  return JSON.stringify([text, args.operationName ?? null, args.variableValues ?? {}, scope]);
}

/**
 * True when no field below the subscription root depends on the viewer or is rate-limited
 * (a limit is charged to whoever runs it); the root field itself was authorized and limited
 * per subscriber when the subscription started.
 */
function isSharedAcrossViewers(schema: GraphQLSchema, document: DocumentNode): boolean {
  let shared = sharedAcrossViewers.get(document);
  if (shared !== undefined) return shared;
  shared = true;
  const typeInfo = new TypeInfo(schema);
  let depth = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter() {
          depth++;
          const extensions = typeInfo.getFieldDef()?.extensions ?? {};
          if (depth > 1 && (extensions[VIEWER_DEPENDENT] || extensions.rateLimit)) {
            shared = false;
            return BREAK;
          }
          return undefined;
        },
        leave() {
          depth--;
        },
      },
    }),
  );
  sharedAcrossViewers.set(document, shared);
  return shared;
}

function executeOnce(
  event: unknown,
  key: string,
  args: ExecutionArgs,
  contextForEvent: (context: unknown) => unknown,
): Promise<ExecutionResult> | ExecutionResult {
  const run = () => execute({ ...args, contextValue: contextForEvent(args.contextValue), rootValue: event });
  if (typeof event !== 'object' || event === null) return run();
  let byKey = resultsByEvent.get(event);
  if (!byKey) resultsByEvent.set(event, (byKey = new Map()));
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = run()));
  return result;
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
