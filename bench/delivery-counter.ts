// The one code path every subscriber client counts deliveries through, whatever the server:
// numbered message texts carry their send time, receipt computes the latency.
import { nowMs } from './clock.js';

/** "bench <seq> <sentAtMs>"; a negative seq is a probe or warm-up message, not measured. */
export function numberedText(seq: number, sentAt: number): string {
  return `bench ${seq} ${sentAt.toFixed(3)}`;
}

function parseNumbered(text: string): { seq: number; sentAt: number } | null {
  const [tag, seq, sentAt] = text.split(' ');
  if (tag !== 'bench' || seq === undefined || sentAt === undefined) return null;
  return { seq: Number(seq), sentAt: Number(sentAt) };
}

export interface DeliveryReport {
  /** Deliveries of measured messages (seq >= 0). */
  readonly deliveries: number;
  /** Receipt time of the last measured delivery (nowMs clock). */
  readonly lastAt: number;
  /** Publish-to-deliver latency of every measured delivery, in ms. */
  readonly latencies: Float64Array;
  /** Frames that were not numbered bench messages. */
  readonly unexpected: number;
}

export class DeliveryCounter {
  private readonly received = new Map<number, number>();
  private latencies = new Float64Array(0);
  private subscribers = 0;
  private deliveries = 0;
  private lastAt = 0;
  private unexpected = 0;

  /** @param onComplete called once per message, when the last subscriber has it */
  constructor(private readonly onComplete: (seq: number) => void) {}

  /** Sets how many subscribers there are and how many measured messages will come. */
  expect(subscribers: number, measuredMessages: number): void {
    this.subscribers = subscribers;
    this.latencies = new Float64Array(subscribers * measuredMessages);
  }

  record(text: unknown): void {
    const receivedAt = nowMs();
    const message = typeof text === 'string' ? parseNumbered(text) : null;
    if (!message) {
      this.unexpected++;
      return;
    }
    const count = (this.received.get(message.seq) ?? 0) + 1;
    this.received.set(message.seq, count);
    if (message.seq >= 0) {
      if (this.deliveries < this.latencies.length) this.latencies[this.deliveries] = receivedAt - message.sentAt;
      this.deliveries++;
      this.lastAt = receivedAt;
    }
    if (count === this.subscribers) this.onComplete(message.seq);
  }

  report(): DeliveryReport {
    return {
      deliveries: this.deliveries,
      lastAt: this.lastAt,
      latencies: this.latencies.slice(0, Math.min(this.deliveries, this.latencies.length)),
      unexpected: this.unexpected,
    };
  }
}
