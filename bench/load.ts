// A closed-loop load generator: a fixed number of requests in flight, for a duration or a count.

export interface LoadResult {
  readonly completed: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** The first failure seen, for the report. */
  readonly firstFailure: string | null;
}

export interface LoadOptions {
  readonly concurrency: number;
  /** Stop starting requests after this long... */
  readonly durationMs?: number;
  /** ...or after this many have been started. */
  readonly count?: number;
  /** One request; resolves true on success, false or a message on failure. */
  readonly request: (index: number) => Promise<true | string>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { concurrency, durationMs, count } = options;
  if (durationMs === undefined && count === undefined) throw new Error('runLoad needs a duration or a count');
  const started = performance.now();
  const deadline = durationMs === undefined ? Infinity : started + durationMs;
  const limit = count ?? Infinity;
  let issued = 0;
  let completed = 0;
  let failed = 0;
  let firstFailure: string | null = null;

  const worker = async () => {
    while (issued < limit && performance.now() < deadline) {
      const index = issued++;
      let outcome: true | string;
      try {
        outcome = await options.request(index);
      } catch (error) {
        outcome = (error as Error).message;
      }
      if (outcome === true) completed++;
      else {
        failed++;
        firstFailure ??= outcome;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { completed, failed, elapsedMs: performance.now() - started, firstFailure };
}
