/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation SendMessage($roomId: ID!, $text: String!, $clientMessageId: String) {\n  sendMessage(roomId: $roomId, text: $text, clientMessageId: $clientMessageId) {\n    ...MessageFields\n  }\n}\n\nquery RoomHistory($roomId: ID!, $last: Int, $before: String) {\n  messages(roomId: $roomId, last: $last, before: $before) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasPreviousPage\n      startCursor\n    }\n  }\n}\n\nsubscription MessageAdded($roomId: ID!, $after: String) {\n  messageAdded(roomId: $roomId, after: $after) {\n    ...MessageFields\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  roomId\n  kind\n  text\n  encrypted\n  sentAt\n  cursor\n  clientMessageId\n  author {\n    id\n    name\n  }\n}": typeof types.SendMessageDocument,
    "mutation CreateRoom($name: String) {\n  createRoom(name: $name) {\n    ...RoomFields\n  }\n}\n\nmutation JoinRoom($roomId: ID!) {\n  joinRoom(roomId: $roomId) {\n    ...RoomFields\n  }\n}\n\nquery Rooms($first: Int, $after: String) {\n  rooms(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...RoomFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment RoomFields on Room {\n  id\n  name\n  kind\n  createdAt\n  members {\n    id\n    name\n  }\n}": typeof types.CreateRoomDocument,
    "mutation CreateSession($name: String) {\n  createSession(name: $name) {\n    token\n    user {\n      ...UserFields\n    }\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nfragment UserFields on User {\n  id\n  name\n  online\n}": typeof types.CreateSessionDocument,
    "mutation EditMessage($messageId: ID!, $text: String!, $encrypted: Boolean) {\n  editMessage(messageId: $messageId, text: $text, encrypted: $encrypted) {\n    ...MessageStateFields\n  }\n}\n\nmutation DeleteMessage($messageId: ID!) {\n  deleteMessage(messageId: $messageId) {\n    ...MessageStateFields\n  }\n}\n\nsubscription RoomEvents($roomId: ID!, $after: String) {\n  roomEvents(roomId: $roomId, after: $after) {\n    kind\n    cursor\n    message {\n      ...MessageStateFields\n    }\n  }\n}\n\nfragment MessageStateFields on Message {\n  id\n  text\n  encrypted\n  editedAt\n  deletedAt\n  cursor\n}": typeof types.EditMessageDocument,
};
const documents: Documents = {
    "mutation SendMessage($roomId: ID!, $text: String!, $clientMessageId: String) {\n  sendMessage(roomId: $roomId, text: $text, clientMessageId: $clientMessageId) {\n    ...MessageFields\n  }\n}\n\nquery RoomHistory($roomId: ID!, $last: Int, $before: String) {\n  messages(roomId: $roomId, last: $last, before: $before) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasPreviousPage\n      startCursor\n    }\n  }\n}\n\nsubscription MessageAdded($roomId: ID!, $after: String) {\n  messageAdded(roomId: $roomId, after: $after) {\n    ...MessageFields\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  roomId\n  kind\n  text\n  encrypted\n  sentAt\n  cursor\n  clientMessageId\n  author {\n    id\n    name\n  }\n}": types.SendMessageDocument,
    "mutation CreateRoom($name: String) {\n  createRoom(name: $name) {\n    ...RoomFields\n  }\n}\n\nmutation JoinRoom($roomId: ID!) {\n  joinRoom(roomId: $roomId) {\n    ...RoomFields\n  }\n}\n\nquery Rooms($first: Int, $after: String) {\n  rooms(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...RoomFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment RoomFields on Room {\n  id\n  name\n  kind\n  createdAt\n  members {\n    id\n    name\n  }\n}": types.CreateRoomDocument,
    "mutation CreateSession($name: String) {\n  createSession(name: $name) {\n    token\n    user {\n      ...UserFields\n    }\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nfragment UserFields on User {\n  id\n  name\n  online\n}": types.CreateSessionDocument,
    "mutation EditMessage($messageId: ID!, $text: String!, $encrypted: Boolean) {\n  editMessage(messageId: $messageId, text: $text, encrypted: $encrypted) {\n    ...MessageStateFields\n  }\n}\n\nmutation DeleteMessage($messageId: ID!) {\n  deleteMessage(messageId: $messageId) {\n    ...MessageStateFields\n  }\n}\n\nsubscription RoomEvents($roomId: ID!, $after: String) {\n  roomEvents(roomId: $roomId, after: $after) {\n    kind\n    cursor\n    message {\n      ...MessageStateFields\n    }\n  }\n}\n\nfragment MessageStateFields on Message {\n  id\n  text\n  encrypted\n  editedAt\n  deletedAt\n  cursor\n}": types.EditMessageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SendMessage($roomId: ID!, $text: String!, $clientMessageId: String) {\n  sendMessage(roomId: $roomId, text: $text, clientMessageId: $clientMessageId) {\n    ...MessageFields\n  }\n}\n\nquery RoomHistory($roomId: ID!, $last: Int, $before: String) {\n  messages(roomId: $roomId, last: $last, before: $before) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasPreviousPage\n      startCursor\n    }\n  }\n}\n\nsubscription MessageAdded($roomId: ID!, $after: String) {\n  messageAdded(roomId: $roomId, after: $after) {\n    ...MessageFields\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  roomId\n  kind\n  text\n  encrypted\n  sentAt\n  cursor\n  clientMessageId\n  author {\n    id\n    name\n  }\n}"): (typeof documents)["mutation SendMessage($roomId: ID!, $text: String!, $clientMessageId: String) {\n  sendMessage(roomId: $roomId, text: $text, clientMessageId: $clientMessageId) {\n    ...MessageFields\n  }\n}\n\nquery RoomHistory($roomId: ID!, $last: Int, $before: String) {\n  messages(roomId: $roomId, last: $last, before: $before) {\n    edges {\n      cursor\n      node {\n        ...MessageFields\n      }\n    }\n    pageInfo {\n      hasPreviousPage\n      startCursor\n    }\n  }\n}\n\nsubscription MessageAdded($roomId: ID!, $after: String) {\n  messageAdded(roomId: $roomId, after: $after) {\n    ...MessageFields\n  }\n}\n\nfragment MessageFields on Message {\n  id\n  roomId\n  kind\n  text\n  encrypted\n  sentAt\n  cursor\n  clientMessageId\n  author {\n    id\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateRoom($name: String) {\n  createRoom(name: $name) {\n    ...RoomFields\n  }\n}\n\nmutation JoinRoom($roomId: ID!) {\n  joinRoom(roomId: $roomId) {\n    ...RoomFields\n  }\n}\n\nquery Rooms($first: Int, $after: String) {\n  rooms(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...RoomFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment RoomFields on Room {\n  id\n  name\n  kind\n  createdAt\n  members {\n    id\n    name\n  }\n}"): (typeof documents)["mutation CreateRoom($name: String) {\n  createRoom(name: $name) {\n    ...RoomFields\n  }\n}\n\nmutation JoinRoom($roomId: ID!) {\n  joinRoom(roomId: $roomId) {\n    ...RoomFields\n  }\n}\n\nquery Rooms($first: Int, $after: String) {\n  rooms(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...RoomFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nfragment RoomFields on Room {\n  id\n  name\n  kind\n  createdAt\n  members {\n    id\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateSession($name: String) {\n  createSession(name: $name) {\n    token\n    user {\n      ...UserFields\n    }\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nfragment UserFields on User {\n  id\n  name\n  online\n}"): (typeof documents)["mutation CreateSession($name: String) {\n  createSession(name: $name) {\n    token\n    user {\n      ...UserFields\n    }\n  }\n}\n\nquery Me {\n  me {\n    ...UserFields\n  }\n}\n\nfragment UserFields on User {\n  id\n  name\n  online\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation EditMessage($messageId: ID!, $text: String!, $encrypted: Boolean) {\n  editMessage(messageId: $messageId, text: $text, encrypted: $encrypted) {\n    ...MessageStateFields\n  }\n}\n\nmutation DeleteMessage($messageId: ID!) {\n  deleteMessage(messageId: $messageId) {\n    ...MessageStateFields\n  }\n}\n\nsubscription RoomEvents($roomId: ID!, $after: String) {\n  roomEvents(roomId: $roomId, after: $after) {\n    kind\n    cursor\n    message {\n      ...MessageStateFields\n    }\n  }\n}\n\nfragment MessageStateFields on Message {\n  id\n  text\n  encrypted\n  editedAt\n  deletedAt\n  cursor\n}"): (typeof documents)["mutation EditMessage($messageId: ID!, $text: String!, $encrypted: Boolean) {\n  editMessage(messageId: $messageId, text: $text, encrypted: $encrypted) {\n    ...MessageStateFields\n  }\n}\n\nmutation DeleteMessage($messageId: ID!) {\n  deleteMessage(messageId: $messageId) {\n    ...MessageStateFields\n  }\n}\n\nsubscription RoomEvents($roomId: ID!, $after: String) {\n  roomEvents(roomId: $roomId, after: $after) {\n    kind\n    cursor\n    message {\n      ...MessageStateFields\n    }\n  }\n}\n\nfragment MessageStateFields on Message {\n  id\n  text\n  encrypted\n  editedAt\n  deletedAt\n  cursor\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
