// Fills the history scenario's decorated room over HTTP, for the embedded store (it lives in
// the server process): the messages, then their replies and reactions as the plan says, chunk
// by chunk, so that replies and changes take their numbers among the messages as in a live
// room. Up to 10 mutations per request (aliases; the limit is 15) keep it fast; not a figure.
import { parseMessageCursor } from '../src/core/cursor.js';
import type { GraphQLHttp } from './graphql-http.js';
import { decorationOf } from './history-plan.js';
import { runLoad } from './load.js';

const CHUNK = 1_000;
const MUTATIONS_PER_REQUEST = 10;

export interface RoomUser {
  readonly token: string;
  readonly userId: string;
}

/** One request: mutations sent together by one user. */
interface Request {
  readonly token: string;
  readonly fields: string[];
  /** Called with the request's answer, field by field. */
  readonly answered?: (results: { id: string; cursor: string }[]) => void;
}

/**
 * Appends `count` CHAT messages by `users[0]` to the room, with the replies and reactions of
 * the plan by all `users` (members of the room); the filled messages' seqs, in position order.
 */
export async function seedOverHttp(
  http: GraphQLHttp,
  roomId: string,
  users: readonly RoomUser[],
  count: number,
  concurrency: number,
): Promise<number[]> {
  const author = users[0]!;
  const seqs: number[] = [];
  const text = (value: string) => JSON.stringify(value);
  for (let from = 1; from <= count; from += CHUNK) {
    const positions = Array.from({ length: Math.min(CHUNK, count + 1 - from) }, (_, i) => from + i);
    const sent = new Map<number, { id: string; seq: number }>();
    const sends = inGroups(positions, MUTATIONS_PER_REQUEST).map(
      (group): Request => ({
        token: author.token,
        fields: group.map((position) => `sendMessage(roomId: ${text(roomId)}, text: ${text(`history message ${position}`)}) { id cursor }`),
        answered: (results) =>
          results.forEach(({ id, cursor }, i) => sent.set(group[i]!, { id, seq: parseMessageCursor(cursor, 'cursor') })),
      }),
    );
    await send(http, sends, concurrency);
    seqs.push(...positions.map((position) => sent.get(position)!.seq));

    const decorations: Request[] = [];
    const reactionsBy = users.map((): string[] => []);
    for (const position of positions) {
      const { reactions, replies } = decorationOf(position, users.length);
      const parent = text(sent.get(position)!.id);
      const replyFields = Array.from(
        { length: replies },
        (_, i) => `sendMessage(roomId: ${text(roomId)}, parentId: ${parent}, text: ${text(`reply ${i + 1} to message ${position}`)}) { id cursor }`,
      );
      if (replyFields.length > 0) decorations.push({ token: author.token, fields: replyFields });
      for (const { user, key } of reactions) reactionsBy[user]!.push(`addReaction(messageId: ${parent}, key: ${text(key)}) { id cursor }`);
    }
    reactionsBy.forEach((fields, user) => {
      for (const group of inGroups(fields, MUTATIONS_PER_REQUEST)) decorations.push({ token: users[user]!.token, fields: group });
    });
    await send(http, decorations, concurrency);
  }
  return seqs;
}

async function send(http: GraphQLHttp, requests: readonly Request[], concurrency: number): Promise<void> {
  const load = await runLoad({
    concurrency,
    count: requests.length,
    request: async (index) => {
      const { token, fields, answered } = requests[index]!;
      const query = `mutation Fill { ${fields.map((field, i) => `f${i}: ${field}`).join(' ')} }`;
      const answer = await http.post(JSON.stringify({ query }), token);
      const parsed = JSON.parse(answer.body) as { data?: Record<string, { id: string; cursor: string }>; errors?: unknown[] };
      if (answer.status !== 200 || parsed.errors || !parsed.data) return `${answer.status}: ${answer.body.slice(0, 200)}`;
      answered?.(fields.map((_, i) => parsed.data![`f${i}`]!));
      return true;
    },
  });
  if (load.failed > 0) throw new Error(`the decorated fill failed ${load.failed} times (first: ${load.firstFailure})`);
}

function inGroups<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
