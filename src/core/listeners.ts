// The listeners an event bus holds for one topic (or for its reconnects).

/**
 * Listeners of one kind of event. Each `add` is an entry of its own, so the same function
 * added twice is called twice and each removal takes away one of them.
 */
export class Listeners<T> {
  private readonly entries = new Set<(value: T) => void>();

  /** Adds `listener`; returns what removes this addition (again, it does nothing). */
  add(listener: (value: T) => void): () => void {
    const entry = (value: T) => listener(value);
    this.entries.add(entry);
    return () => {
      this.entries.delete(entry);
    };
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Calls every listener with `value`. With `onError`, a listener that throws is handed to it
   * and the rest are still called: where a bus calls from inside a library's event loop.
   * Without, the first error stops the round and is thrown to the caller.
   */
  notify(value: T, onError?: (error: unknown) => void): void {
    for (const listener of this.entries) {
      if (!onError) {
        listener(value);
        continue;
      }
      try {
        listener(value);
      } catch (error) {
        onError(error);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
