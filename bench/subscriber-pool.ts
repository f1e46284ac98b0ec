// The parent's side of the subscriber clients: forks subscriber-process children, splits the
// connections between them, and resolves when every child has received a given message.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../support/server-process.js';
import type { DeliveryReport } from './delivery-counter.js';
import type { SubscriptionName } from './live-subscriptions.js';
import type { ChildCommand, ChildEvent } from './subscriber-protocol.js';

const CHILD = fileURLToPath(new URL('./subscriber-process.ts', import.meta.url));

export interface OpenOutcome {
  readonly open: number;
  readonly failed: number;
  readonly firstError: string | null;
}

export interface PoolReport {
  readonly deliveries: number;
  readonly lastAt: number;
  readonly latencies: Float64Array;
  readonly lost: number;
  readonly unexpected: number;
}

/** One child process; answers one command at a time. */
class Child {
  private pending: { resolve: (event: ChildEvent) => void; reject: (error: Error) => void } | null = null;

  constructor(
    readonly process: ChildProcess,
    onComplete: (seq: number) => void,
  ) {
    process.on('message', (event: ChildEvent) => {
      if (event.type === 'complete') return onComplete(event.seq);
      const pending = this.pending;
      this.pending = null;
      if (event.type === 'failed') pending?.reject(new Error(`subscriber process failed: ${event.message}`));
      else pending?.resolve(event);
    });
    process.once('exit', (code) => {
      this.pending?.reject(new Error(`subscriber process exited (${code})`));
      this.pending = null;
    });
  }

  /** Sends a command and resolves with the child's answer, which must be of type `answer`. */
  ask<T extends ChildEvent['type']>(command: ChildCommand, answer: T): Promise<Extract<ChildEvent, { type: T }>> {
    if (this.pending) throw new Error('a subscriber process answers one command at a time');
    return new Promise((resolve, reject) => {
      this.pending = {
        resolve: (event) =>
          event.type === answer
            ? resolve(event as Extract<ChildEvent, { type: T }>)
            : reject(new Error(`expected ${answer} from the subscriber process, got ${event.type}`)),
        reject,
      };
      this.process.send(command);
    });
  }
}

export class SubscriberPool {
  /** How many children have received each message so far. */
  private readonly completions = new Map<number, number>();
  private readonly waiters = new Map<number, () => void>();

  private constructor(private readonly children: Child[]) {}

  /** Forks `processes` children (each a Node process of its own). */
  static start(processes: number): SubscriberPool {
    let pool: SubscriberPool | undefined;
    const children = Array.from({ length: processes }, () => {
      const child = fork(CHILD, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], serialization: 'advanced' });
      return new Child(child, (seq) => pool!.completed(seq));
    });
    pool = new SubscriberPool(children);
    return pool;
  }

  get pids(): number[] {
    return this.children.map((child) => child.process.pid!);
  }

  /** Opens `total` clients, split evenly between the children. */
  async open(options: {
    url: string;
    total: number;
    roomId: string;
    subscription: SubscriptionName;
    concurrency: number;
    measuredMessages: number;
  }): Promise<OpenOutcome> {
    const { total, ...rest } = options;
    const share = (index: number) => Math.floor(total / this.children.length) + (index < total % this.children.length ? 1 : 0);
    const outcomes = await Promise.all(
      this.children.map((child, index) => child.ask({ type: 'open', count: share(index), ...rest }, 'opened')),
    );
    return {
      open: outcomes.reduce((sum, outcome) => sum + outcome.open, 0),
      failed: outcomes.reduce((sum, outcome) => sum + outcome.failed, 0),
      firstError: outcomes.find((outcome) => outcome.firstError !== null)?.firstError ?? null,
    };
  }

  /** Resolves true once every subscriber has message `seq`, false after `timeoutMs`. */
  waitComplete(seq: number, timeoutMs: number): Promise<boolean> {
    if ((this.completions.get(seq) ?? 0) >= this.children.length) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(seq);
        resolve(false);
      }, timeoutMs);
      this.waiters.set(seq, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async report(): Promise<PoolReport> {
    const answers = await Promise.all(this.children.map((child) => child.ask({ type: 'report' }, 'report')));
    const reports: DeliveryReport[] = answers.map((answer) => answer.report);
    const latencies = new Float64Array(reports.reduce((sum, report) => sum + report.latencies.length, 0));
    let offset = 0;
    for (const report of reports) {
      latencies.set(report.latencies, offset);
      offset += report.latencies.length;
    }
    return {
      deliveries: reports.reduce((sum, report) => sum + report.deliveries, 0),
      lastAt: Math.max(...reports.map((report) => report.lastAt)),
      latencies,
      lost: answers.reduce((sum, answer) => sum + answer.lost, 0),
      unexpected: reports.reduce((sum, report) => sum + report.unexpected, 0),
    };
  }

  /** Closes every client, then ends the children. */
  async close(): Promise<void> {
    await Promise.all(this.children.map((child) => child.ask({ type: 'close' }, 'closed').catch(() => undefined)));
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.process.exitCode !== null) return resolve();
            child.process.once('exit', () => resolve());
            child.process.disconnect();
          }),
      ),
    );
  }

  private completed(seq: number): void {
    const count = (this.completions.get(seq) ?? 0) + 1;
    this.completions.set(seq, count);
    if (count >= this.children.length) {
      this.waiters.get(seq)?.();
      this.waiters.delete(seq);
    }
  }
}
