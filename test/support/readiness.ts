// Waits for an instance's /ready to say what a fault test expects of it once a backend went down or came back.
import { eventually } from './eventually.js';

/** Polls for up to about 15 s: long enough for any reconnect, short enough to fail readably. */
const POLL = { attempts: 300, intervalMs: 50 };

/** Resolves once `server`'s /ready answers `status`, with how many milliseconds that took; fails with `what`. */
export async function readinessBecomes(server: { readonly origin: string }, status: number, what: string): Promise<number> {
  const started = performance.now();
  await eventually(async () => (await fetch(`${server.origin}/ready`)).status === status, what, POLL);
  return Math.round(performance.now() - started);
}
