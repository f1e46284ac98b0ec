// Sends numbered messages over HTTP to a server with live subscribers (the chat API or the raw
// floor, the same requests to both) and paces them: probes until every subscriber is live, then
// keeps at most `window` messages not yet received by everyone. With a mix that edits, warm-up
// and measured runs send some of those numbered texts as edits of earlier messages.
import { nowMs } from './clock.js';
import { numberedText } from './delivery-counter.js';
import { editMessageBody, sendMessageBody } from './chat-operations.js';
import { succeeded, type GraphQLHttp, type HttpAnswer } from './graphql-http.js';
import { MessageMix } from './message-mix.js';
import type { SubscriberPool } from './subscriber-pool.js';

const PROBE_WAIT_MS = 1_000;
const PROBE_GIVE_UP_MS = 120_000;
const DELIVERY_TIMEOUT_MS = 60_000;

export class BroadcastDriver {
  /** Unmeasured messages (probes, warm-up) count down from -1. */
  private nextUnmeasured = -1;

  constructor(
    private readonly http: GraphQLHttp,
    private readonly target: { readonly token: string; readonly roomId: string },
    private readonly pool: SubscriberPool,
    private readonly mix = new MessageMix(null),
  ) {}

  /** Sends probes until one reaches every subscriber: from then on, every subscription is live. */
  async probe(): Promise<number> {
    const giveUpAt = Date.now() + PROBE_GIVE_UP_MS;
    let probes = 0;
    while (Date.now() < giveUpAt) {
      const seq = this.nextUnmeasured--;
      probes++;
      await this.sendNew(seq);
      if (await this.pool.waitComplete(seq, PROBE_WAIT_MS)) return probes;
    }
    throw new Error(`no probe reached every subscriber within ${PROBE_GIVE_UP_MS} ms`);
  }

  /** Sends `count` unmeasured messages, paced like a measured run. */
  async warmUp(count: number, window: number): Promise<void> {
    const seqs = Array.from({ length: count }, () => this.nextUnmeasured--);
    await this.paced(seqs, window);
  }

  /** Sends messages 0..count-1, paced; resolves with the send time of the first, once every subscriber has all. */
  async measure(count: number, window: number): Promise<{ firstSentAt: number }> {
    const firstSentAt = nowMs();
    await this.paced(
      Array.from({ length: count }, (_, seq) => seq),
      window,
    );
    return { firstSentAt };
  }

  private async paced(seqs: readonly number[], window: number): Promise<void> {
    for (let i = 0; i < seqs.length; i++) {
      if (i >= window) await this.delivered(seqs[i - window]!);
      await this.sendMixed(seqs[i]!);
    }
    for (const seq of seqs.slice(-window)) await this.delivered(seq);
  }

  private async delivered(seq: number): Promise<void> {
    if (!(await this.pool.waitComplete(seq, DELIVERY_TIMEOUT_MS))) {
      throw new Error(`message ${seq} did not reach every subscriber within ${DELIVERY_TIMEOUT_MS} ms`);
    }
  }

  /** The mix's next operation for numbered text `seq`: a new message or an edit. */
  private async sendMixed(seq: number): Promise<void> {
    const edit = this.mix.next();
    if (edit === null) {
      const answer = await this.sendNew(seq);
      if (this.mix.edits) this.mix.sentMessage({ messageId: sentMessageId(answer), seq });
      return;
    }
    await this.delivered(edit.seq);
    this.check(await this.http.post(editMessageBody(edit.messageId, numberedText(seq, nowMs())), this.target.token), 'edit');
  }

  private async sendNew(seq: number): Promise<HttpAnswer> {
    return this.check(await this.http.post(sendMessageBody(this.target.roomId, numberedText(seq, nowMs())), this.target.token), 'send');
  }

  private check(answer: HttpAnswer, what: string): HttpAnswer {
    if (!succeeded(answer)) throw new Error(`${what} failed (${answer.status}): ${answer.body.slice(0, 300)}`);
    return answer;
  }
}

function sentMessageId(answer: HttpAnswer): string {
  return (JSON.parse(answer.body) as { data: { sendMessage: { id: string } } }).data.sendMessage.id;
}
