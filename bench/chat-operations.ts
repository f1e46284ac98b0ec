// The GraphQL operations the benchmarks send, and the setup steps every scenario shares.
import type { GraphQLHttp } from './graphql-http.js';

export const CREATE_SESSION = 'mutation CreateSession { createSession { token user { id } } }';
export const CREATE_ROOM = 'mutation CreateRoom($name: String) { createRoom(name: $name) { id } }';
export const JOIN_ROOM = 'mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { id } }';
export const ROOM_MEMBERS = 'query RoomMembers($id: ID!) { room(id: $id) { members { id } } }';
export const SEND_MESSAGE =
  'mutation SendMessage($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id cursor sentAt } }';
export const EDIT_MESSAGE =
  'mutation EditMessage($messageId: ID!, $text: String!) { editMessage(messageId: $messageId, text: $text) { id cursor editedAt } }';
/** The ingestion floor: a mutation that runs the whole HTTP and GraphQL pipeline but no resolver. */
export const TRIVIAL_MUTATION = 'mutation Floor { __typename }';
/** What every live subscriber asks for: the fields a chat client shows. */
export const MESSAGE_ADDED =
  'subscription MessageAdded($roomId: ID!) { messageAdded(roomId: $roomId) { id roomId kind text sentAt cursor author { id name } } }';
/** The change feed's subscribers ask for the same message fields, and when it was edited. */
export const ROOM_EVENTS =
  'subscription RoomEvents($roomId: ID!) { roomEvents(roomId: $roomId) { kind cursor message { id roomId kind text sentAt editedAt cursor author { id name } } } }';
/** A page of history with what a client shows of each message: its author, reactions and reply count. */
export const HISTORY_PAGE = `query History($roomId: ID!, $before: String) {
  messages(roomId: $roomId, last: 50, before: $before) {
    edges { cursor node { id kind text sentAt author { id name } reactions { key count reactedByMe } replyCount } }
    pageInfo { hasPreviousPage startCursor }
  }
}`;

export interface Sender {
  readonly token: string;
  readonly userId: string;
  readonly roomId: string;
}

/** A new user, signed in. */
export async function createUserSession(http: GraphQLHttp): Promise<{ token: string; userId: string }> {
  const { createSession } = await http.execute<{ createSession: { token: string; user: { id: string } } }>(CREATE_SESSION);
  return { token: createSession.token, userId: createSession.user.id };
}

/** A new PUBLIC room whose creator (the `token`'s user) is its first member; its id. */
export async function createRoom(http: GraphQLHttp, token: string, name = 'bench'): Promise<string> {
  return (await http.execute<{ createRoom: { id: string } }>(CREATE_ROOM, { name }, token)).createRoom.id;
}

/** A new user and a new PUBLIC room it is a member of. */
export async function createSenderAndRoom(http: GraphQLHttp): Promise<Sender> {
  const user = await createUserSession(http);
  return { ...user, roomId: await createRoom(http, user.token) };
}

/** A new user who joins the room; the user. */
export async function joinAsNewUser(http: GraphQLHttp, roomId: string): Promise<{ token: string; userId: string }> {
  const user = await createUserSession(http);
  await http.execute(JOIN_ROOM, { roomId }, user.token);
  return user;
}

/** The body of a sendMessage request, serialized. */
export function sendMessageBody(roomId: string, text: string): string {
  return JSON.stringify({ query: SEND_MESSAGE, variables: { roomId, text }, operationName: 'SendMessage' });
}

/** The body of an editMessage request, serialized. */
export function editMessageBody(messageId: string, text: string): string {
  return JSON.stringify({ query: EDIT_MESSAGE, variables: { messageId, text }, operationName: 'EditMessage' });
}
