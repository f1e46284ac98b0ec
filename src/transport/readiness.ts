// /ready: every named backend check within a deadline, or 503 naming the failing ones.
import { withTimeout } from '../core/with-timeout.js';

const READINESS_TIMEOUT_MS = 2000;

/** 200 with every check passed, else 503 naming the failing parts; never hangs past the timeout. */
export async function readiness(checks: Readonly<Record<string, () => Promise<void>>>): Promise<Response> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), READINESS_TIMEOUT_MS, `timed out after ${READINESS_TIMEOUT_MS} ms`);
        return [name, 'ok'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  const failing = results.filter(([, state]) => state !== 'ok').map(([name]) => name);
  const body = { status: failing.length === 0 ? 'ready' : 'unavailable', checks: Object.fromEntries(results), failing };
  return Response.json(body, { status: failing.length === 0 ? 200 : 503 });
}
