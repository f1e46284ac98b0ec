// Relay connections: PageInfo and a helper that builds a Connection and Edge type for a node type.
import type { ObjectRef } from '@pothos/core';
import type { Page } from '../../core/paging.js';
import { builder, type BuilderTypes } from '../builder.js';

export interface ConnectionShape<T> {
  readonly edges: { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: PageInfoShape;
}

interface PageInfoShape {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

const PageInfoRef = builder.objectRef<PageInfoShape>('PageInfo').implement({
  description: 'Where a page sits in the whole list (Relay cursor connections).',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'More items exist after `endCursor`.' }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', { description: 'More items exist before `startCursor`.' }),
    startCursor: t.exposeString('startCursor', { nullable: true, description: 'Cursor of the first edge.' }),
    endCursor: t.exposeString('endCursor', { nullable: true, description: 'Cursor of the last edge.' }),
  }),
});

/** Object types `<Name>Connection` and `<Name>Edge` for nodes of `nodeRef`. */
export function connectionType<T>(
  name: string,
  nodeRef: ObjectRef<BuilderTypes, T>,
  what: string,
): ObjectRef<BuilderTypes, ConnectionShape<T>> {
  const EdgeRef = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    description: `One ${what} in a page, with its cursor.`,
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: `Pass as \`after\` or \`before\` to page from this ${what}.` }),
      node: t.expose('node', { type: nodeRef, description: `The ${what}.` }),
    }),
  });
  return builder.objectRef<ConnectionShape<T>>(`${name}Connection`).implement({
    description: `A page of ${what}s (Relay cursor connection).`,
    fields: (t) => ({
      edges: t.field({ type: [EdgeRef], description: `The ${what}s of this page.`, viewerIndependent: true, resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Paging facts.', viewerIndependent: true, resolve: (c) => c.pageInfo }),
    }),
  });
}

/** A core page as a connection value. */
export function toConnection<T>(page: Page<T>, cursorOf: (item: T) => string): ConnectionShape<T> {
  const edges = page.items.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
