// The one source of "now" for the core and its live streams. Injected, so that tests move time
// with fake timers (vitest's fake timers also move Date.now, which the system clock reads).
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
