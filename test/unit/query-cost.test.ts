import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost, type ListSizes } from '../../src/graphql/plugins/query-cost/index.js';
import { schema } from '../../src/graphql/schema.js';

const SIZES: ListSizes = { defaultPageSize: 50, assumed: { 'Message.reactions': 20 }, otherLists: 100 };

const cost = (query: string, variableValues: Record<string, unknown> = {}, operationName?: string) =>
  operationCost(schema, { document: parse(query), variableValues, operationName }, SIZES);

describe('operation cost', () => {
  it('counts each field once per item of the list it is in', () => {
    // rooms + edges + 3 × (node + id + name)
    expect(cost('{ rooms(first: 3) { edges { node { id name } } } }')).toBe(2 + 3 * 3);
    // ...and each list level multiplies: 2 rooms × 4 messages × (node + id)
    expect(cost('{ rooms(first: 2) { edges { node { messages(last: 4) { edges { node { id } } } } } } }')).toBe(
      2 + 2 * (1 + 2 + 4 * 2),
    );
  });

  it("counts a connection's edges at its page size and its pageInfo once", () => {
    expect(cost('{ rooms(first: 10) { pageInfo { hasNextPage endCursor } edges { cursor } } }')).toBe(1 + 3 + 1 + 10);
  });

  it('takes a page size passed as a variable as a literal, and the default of the variable when none is sent', () => {
    const literal = cost('query ($r: ID!) { messages(roomId: $r, last: 30) { edges { node { id text } } } }');
    expect(cost('query ($r: ID!, $n: Int) { messages(roomId: $r, last: $n) { edges { node { id text } } } }', { n: 30 })).toBe(literal);
    expect(cost('query ($r: ID!, $n: Int = 30) { messages(roomId: $r, last: $n) { edges { node { id text } } } }')).toBe(literal);
    expect(cost('query ($r: ID!, $n: Int = 5) { messages(roomId: $r, last: $n) { edges { node { id text } } } }', { n: 30 })).toBe(literal);
  });

  it("takes the argument's default, else the default page size, when no size is given", () => {
    const users = (args: string) => cost(`{ messages(roomId: "r", last: 1) { edges { node { reactions { users${args} { id } } } } } }`);
    // ReactionGroup.users(first: Int = 10)
    expect(users('')).toBe(users('(first: 10)'));
    const messages = (args: string) => cost(`{ messages(roomId: "r"${args}) { edges { node { id } } } }`);
    expect(messages('')).toBe(messages(', last: 50'));
    expect(cost('query ($n: Int) { messages(roomId: "r", last: $n) { edges { node { id } } } }', { n: null })).toBe(messages(', last: 50'));
  });

  it('takes the larger of first and last', () => {
    expect(cost('{ messages(roomId: "r", first: 10, last: 40) { edges { cursor } } }')).toBe(2 + 40);
  });

  it('gives lists without paging their assumed size, and others the size for any other list', () => {
    const reactions = cost('{ room(id: "r") { lastMessage { reactions { key } } } }');
    expect(reactions).toBe(3 + 20);
    expect(cost('{ room(id: "r") { members { id } } }')).toBe(2 + 100);
    expect(cost('{ availableUsers { id name } }')).toBe(1 + 200);
  });

  it('resolves named and inline fragments, on interfaces too, as if written in place', () => {
    const inPlace = cost('{ rooms(first: 5) { edges { node { id name lastMessage { id text } } } } }');
    expect(cost('{ rooms(first: 5) { edges { node { ...R } } } } fragment R on Room { id ... on Room { name lastMessage { ...M } } } fragment M on Message { id text }')).toBe(inPlace);
    expect(cost('{ node(id: "x") { id ... on Room { messages(last: 10) { edges { node { id } } } } } }')).toBe(2 + 2 + 10 * 2);
  });

  it('costs a fragment spread at every place it is spread, and quickly however often', () => {
    // Each fragment spreads the next one twice: 2^30 spreads of F30, costed in a few walks.
    const chain = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const started = performance.now();
    expect(cost(`{ ...F0 } ${chain} fragment F30 on Query { me { id } }`)).toBe(2 ** 30 * 2);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('costs only the operation that runs, each one on its own', () => {
    const document = '{ me { id } } query Big { rooms(first: 100) { edges { cursor } } } query Small { me { id } }';
    expect(cost(document, {}, 'Big')).toBe(102);
    expect(cost(document, {}, 'Small')).toBe(2);
    expect(cost(document, {}, 'Missing')).toBe(0);
  });

  it('leaves root introspection free, but not a field aliased to look like it', () => {
    expect(cost('{ __schema { types { name fields { name } } } __type(name: "Room") { name } }')).toBe(0);
    expect(cost('{ __schema: rooms(first: 100) { edges { cursor } } }')).toBe(102);
  });

  it('costs a subscription per event, like a query of the same selection', () => {
    expect(cost('subscription ($r: ID!) { messageAdded(roomId: $r) { id reactions { key count } } }')).toBe(3 + 20 * 2);
  });
});
