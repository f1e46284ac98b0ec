// Coalesces one process's concurrent requests per key: while a round for a key is under way,
// later requests queue, and the next round serves all of them at once. One database round
// trip then carries many requests, and requests of one key never race each other.

/** What one request of a round came to. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

interface Waiter<In, Out> {
  readonly input: In;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

export class Coalescer<Key, In, Out> {
  private readonly queues = new Map<Key, Waiter<In, Out>[]>();

  /**
   * `round(key, inputs)` serves one batch and returns one outcome per input, in order;
   * throwing fails every request of the batch. A round takes at most `maxBatch` requests.
   */
  constructor(
    private readonly round: (key: Key, inputs: readonly In[]) => Promise<readonly Outcome<Out>[]>,
    private readonly maxBatch = Number.POSITIVE_INFINITY,
  ) {}

  /** Settles with this request's own outcome, once the round that carried it is over. */
  submit(key: Key, input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      const waiter = { input, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiter);
        return;
      }
      this.queues.set(key, [waiter]);
      void this.drain(key);
    });
  }

  private async drain(key: Key): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      let outcomes: readonly Outcome<Out>[];
      try {
        outcomes = await this.round(key, batch.map((waiter) => waiter.input));
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((waiter, index) => {
        // A round that leaves a request out must not leave its caller waiting for ever.
        const outcome = outcomes[index] ?? { ok: false, error: new Error('the round returned no outcome for this request') };
        if (outcome.ok) waiter.resolve(outcome.value);
        else waiter.reject(outcome.error);
      });
    }
    this.queues.delete(key);
  }
}
