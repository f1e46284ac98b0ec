// GraphQL over HTTP for the load generators: node:http on a keep-alive agent with a fixed
// number of sockets, bodies serialized once by the caller, responses read as text.
import { Agent, request } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export class GraphQLHttp {
  private readonly agent: Agent;
  private readonly target: URL;

  /** `sockets`: keep-alive connections to open at most (the concurrency of the load). */
  constructor(url: string, sockets: number) {
    this.target = new URL(url);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** POSTs a pre-serialized GraphQL request body. */
  post(body: string, token?: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One operation whose result the caller needs; throws on any error (a setup failure). */
  async execute<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const answer = await this.post(JSON.stringify({ query, variables }), token);
    const parsed = JSON.parse(answer.body) as { data?: T; errors?: unknown[] };
    if (answer.status !== 200 || parsed.errors || !parsed.data) {
      throw new Error(`GraphQL request failed (${answer.status}): ${answer.body.slice(0, 500)}`);
    }
    return parsed.data;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A 200 answer without GraphQL errors (checked without parsing: the load generator stays cheap). */
export function succeeded(answer: HttpAnswer): boolean {
  return answer.status === 200 && !answer.body.includes('"errors"');
}

/** A measured request's outcome: true on success, else its status and the start of its body. */
export function outcomeOf(answer: HttpAnswer): true | string {
  return succeeded(answer) || `${answer.status}: ${answer.body.slice(0, 200)}`;
}
