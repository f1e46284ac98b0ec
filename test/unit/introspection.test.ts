import { buildSchema } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useNoIntrospection } from '../../src/transport/introspection.js';

const schema = buildSchema('type Query { ok: Boolean }');

/** The errors of `query` on a yoga with `plugins` (none when it ran). */
async function errorsOf(query: string, plugins: Plugin[]): Promise<string[]> {
  const yoga = createYoga({ schema, plugins, logging: false, graphiql: false, maskedErrors: false });
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { message: string }[] };
  return (body.errors ?? []).map((error) => error.message);
}

describe('introspection control', () => {
  it('refuses __schema and __type in validation', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Query") { name } }']) {
      expect(await errorsOf(query, [])).toEqual([]);
      const errors = await errorsOf(query, [useNoIntrospection()]);
      expect(errors.length).toBeGreaterThan(0);
      for (const message of errors) expect(message).toMatch(/introspection/i);
    }
  });

  it('leaves every other query alone, __typename included', async () => {
    expect(await errorsOf('{ ok __typename }', [useNoIntrospection()])).toEqual([]);
  });
});
