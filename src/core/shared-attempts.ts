// One attempt per key at a time in this process: whoever asks while one is under way shares it,
// rather than racing it (a retried send, a double-clicked delete).
export class SharedAttempts<K, V> {
  private readonly underWay = new Map<K, Promise<V>>();

  /** The attempt under way for `key`, or a new one started by `attempt`. */
  run(key: K, attempt: () => Promise<V>): Promise<V> {
    let shared = this.underWay.get(key);
    if (!shared) {
      shared = attempt().finally(() => this.underWay.delete(key));
      this.underWay.set(key, shared);
    }
    return shared;
  }
}
