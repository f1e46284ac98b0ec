// A deadline on any promise, shared by the adapters and the transport (it knows no technology).

/**
 * `promise`, or a rejection with `Error(timeoutMessage)` once `timeoutMs` passed without it
 * settling. The timer is cleared either way, so a settled call keeps no process alive.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, timeoutMessage: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(timeoutMessage)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
