// A GraphQL-over-SSE client for tests ("distinct connections" mode): plain fetch with
// `Accept: text/event-stream`, the event stream parsed by hand so the wire format is checked.
import { AsyncQueue } from './async-queue.js';

export interface SseEvent {
  /** The `event:` field: 'next' or 'complete'. */
  readonly event: string;
  /** The `data:` lines joined with newlines ('' when there were none). */
  readonly data: string;
}

export interface SseSubscription {
  readonly status: number;
  readonly contentType: string | null;
  /** Events in arrival order; comment lines (keep-alive pings) are skipped. */
  readonly events: AsyncQueue<SseEvent>;
  /** Resolves when the response body ends (server completed or the request was aborted). */
  readonly ended: Promise<void>;
  /** The next `next` event's parsed payload; fails on anything else. */
  nextPayload<T = any>(): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  abort(): void;
}

export async function subscribeSse(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<SseSubscription> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    signal: controller.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const events = new AsyncQueue<SseEvent>();
  const ended = readEvents(response, events);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    ended,
    abort: () => controller.abort(),
    nextPayload: async () => {
      const event = await events.next();
      if (event.event !== 'next') throw new Error(`Expected a "next" event, got ${JSON.stringify(event)}`);
      return JSON.parse(event.data);
    },
  };
}

/** The SSE subscriptions a test file opens, tracked so that it ends all of them in afterEach. */
export class SseStreams {
  private readonly streams = new Set<SseSubscription>();

  async subscribe(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<SseSubscription> {
    const stream = await subscribeSse(url, query, variables, token);
    this.streams.add(stream);
    return stream;
  }

  /** Aborts every stream and resolves once each has ended. */
  async abortAll(): Promise<void> {
    const streams = [...this.streams];
    this.streams.clear();
    for (const stream of streams) stream.abort();
    await Promise.all(streams.map((stream) => stream.ended));
  }
}

async function readEvents(response: Response, events: AsyncQueue<SseEvent>): Promise<void> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = parseBlock(block);
        if (event) events.push(event);
      }
    }
  } catch {
    // Aborting the request ends the body with an error; either way the stream is over.
  }
}

/** One event block: `field: value` lines; lines starting with ':' are comments. */
function parseBlock(block: string): SseEvent | null {
  let event = 'message';
  const data: string[] = [];
  let sawField = false;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    sawField = true;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return sawField ? { event, data: data.join('\n') } : null;
}
