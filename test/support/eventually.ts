// Polls a condition that no event announces (e.g. presence after a disconnect) until it holds.

/**
 * Resolves with the first truthy result of `check`; rejects with `message` once `attempts`
 * checks (about `intervalMs` apart) all came back falsy. Not a timing assertion: the bound only
 * turns a hang into a readable failure.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  message: string,
  { attempts = 200, intervalMs = 10 }: { attempts?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const result = await check();
    if (result) return result as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Condition never held: ${message}`);
}
