import SchemaBuilder from '@pothos/core';
import { parse, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import RateLimitPlugin from '../../src/graphql/plugins/rate-limit/index.js';
import ViewerIndependentPlugin, {
  isViewerIndependentSelection,
  selectionSharing,
  VIEWER_INDEPENDENT,
  withViewerLeaves,
} from '../../src/graphql/plugins/viewer-independent/index.js';
import { schema } from '../../src/graphql/schema.js';

const independent = (query: string, operationName?: string) =>
  isViewerIndependentSelection(schema, parse(query), operationName);

describe('viewer-independent selections of the chat schema', () => {
  it('the live message fields clients select are shared, __typename included', () => {
    expect(
      independent(`subscription ($roomId: ID!) {
        messageAdded(roomId: $roomId) { __typename id roomId kind text encrypted sentAt cursor clientMessageId
          author { id name publicKey online createdAt } subject { id } }
      }`),
    ).toBe(true);
    expect(independent('subscription ($roomId: ID!) { typing(roomId: $roomId) { typing user { id name } } }')).toBe(true);
  });

  it('follows nested types, named and inline fragments, and interface fields', () => {
    expect(
      independent(`subscription ($roomId: ID!) { messageAdded(roomId: $roomId) { ...M room { ... on Node { id } ...R } } }
        fragment M on Message { id author { ...U } }
        fragment U on User { name }
        fragment R on Room { name kind members { id online } lastMessage { text author { publicKey } } }`),
    ).toBe(true);
  });

  it('a viewer-dependent field anywhere makes the selection per viewer: directly, in a fragment, or inline', () => {
    const history = 'messages(last: 5) { edges { node { id } } }';
    expect(independent(`subscription ($r: ID!) { messageAdded(roomId: $r) { id room { ${history} } } }`)).toBe(false);
    expect(
      independent(`subscription ($r: ID!) { messageAdded(roomId: $r) { id room { ...R } } } fragment R on Room { ${history} }`),
    ).toBe(false);
    expect(independent(`subscription ($r: ID!) { messageAdded(roomId: $r) { room { ... on Room { ${history} } } } }`)).toBe(false);
  });

  it('reactedByMe is a viewer leaf: the result is still shared, with each viewer\'s own leaves put in', () => {
    const sharing = (selection: string) =>
      selectionSharing(schema, parse(`subscription ($r: ID!) { roomEvents(roomId: $r) { kind message { ${selection} } } }`), undefined);
    expect(sharing('id reactions { key count }')).toBe('shared');
    expect(sharing('id reactions { key count reactedByMe }')).toBe('viewer-leaves');
    expect(sharing('id reactions { reactedByMe } room { messages { edges { cursor } } }')).toBe('own');
  });

  it('classifies the operation asked for', () => {
    const document = `subscription Shared($r: ID!) { messageAdded(roomId: $r) { id } }
      subscription PerViewer($r: ID!) { messageAdded(roomId: $r) { room { messages { edges { cursor } } } } }`;
    expect(independent(document, 'Shared')).toBe(true);
    expect(independent(document, 'PerViewer')).toBe(false);
    expect(independent(document), 'no operation named among several').toBe(false);
    expect(independent(document, 'Missing')).toBe(false);
  });
});

describe('the viewerIndependent field option', () => {
  function testSchema() {
    const builder = new SchemaBuilder<{ Context: object }>({
      plugins: [RateLimitPlugin, ViewerIndependentPlugin],
      rateLimit: { consume: async () => undefined, userKey: async () => null, addressKey: () => 'x' },
    });
    const Item = builder.objectRef<{ id: string; secret: string }>('Item').implement({
      fields: (t) => ({
        exposed: t.exposeString('id'),
        exposedButDeclaredDependent: t.exposeString('secret', { viewerIndependent: false }),
        declared: t.string({ viewerIndependent: true, resolve: (item) => item.id }),
        undeclared: t.string({ resolve: (item) => item.id }),
        limited: t.string({ viewerIndependent: true, rateLimit: { points: 1, duration: 1 }, resolve: (item) => item.id }),
      }),
    });
    builder.queryType({ fields: (t) => ({ item: t.field({ type: Item, resolve: () => ({ id: '1', secret: 's' }) }) }) });
    return builder.toSchema();
  }

  it('marks exposed fields and declared fields; an unmarked or rate-limited field is viewer-dependent', () => {
    const built = testSchema();
    const fields = built.getType('Item') as GraphQLObjectType;
    const marks = Object.fromEntries(
      Object.entries(fields.getFields()).map(([name, field]) => [name, field.extensions[VIEWER_INDEPENDENT] === true]),
    );
    expect(marks).toEqual({ exposed: true, exposedButDeclaredDependent: false, declared: true, undeclared: false, limited: true });
    const selects = (selection: string) => isViewerIndependentSelection(built, parse(`{ item { ${selection} } }`), undefined);
    expect(selects('exposed declared __typename')).toBe(true);
    expect(selects('exposed undeclared')).toBe(false);
    expect(selects('exposedButDeclaredDependent')).toBe(false);
    expect(selects('limited'), 'a limit is charged to whoever runs it').toBe(false);
  });
});

describe('withViewerLeaves', () => {
  it('puts each leaf\'s value in at its path, copying only the objects along it', async () => {
    const untouched = { key: 'b', reactedByMe: false };
    const shared = { data: { event: { message: { reactions: [{ key: 'a', reactedByMe: false }, untouched], text: 'hi' } } } };
    const viewer = { name: 'ada' };
    const result = await withViewerLeaves(
      shared,
      [{ path: ['event', 'message', 'reactions', 0, 'reactedByMe'], resolve: (context) => (context as typeof viewer).name === 'ada' }],
      viewer,
    );
    expect(result.data).toEqual({ event: { message: { reactions: [{ key: 'a', reactedByMe: true }, untouched], text: 'hi' } } });
    expect(shared.data.event.message.reactions[0]!.reactedByMe).toBe(false);
    expect((result.data as typeof shared.data).event.message.reactions[1]).toBe(untouched);
  });
});
