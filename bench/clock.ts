// One clock for every bench process: wall-clock milliseconds with sub-millisecond precision,
// comparable across processes on the same machine (send time in one, receipt in another).
import { performance } from 'node:perf_hooks';

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
