// The IPC messages between SubscriberPool (parent) and subscriber-process (child).
import type { DeliveryReport } from './delivery-counter.js';
import type { SubscriptionName } from './live-subscriptions.js';

export type ChildCommand =
  | {
      readonly type: 'open';
      readonly url: string;
      readonly count: number;
      readonly roomId: string;
      /** What each client subscribes to. */
      readonly subscription: SubscriptionName;
      /** Connections opened at once. */
      readonly concurrency: number;
      /** Measured messages to come (to size the latency buffer). */
      readonly measuredMessages: number;
    }
  | { readonly type: 'report' }
  | { readonly type: 'close' };

export type ChildEvent =
  | { readonly type: 'opened'; readonly open: number; readonly failed: number; readonly firstError: string | null }
  | { readonly type: 'complete'; readonly seq: number }
  | { readonly type: 'report'; readonly report: DeliveryReport; readonly lost: number }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly message: string };
