// The Pothos schema builder: only the builder, its plugins and their settings; types live in ./types.
import SchemaBuilder from '@pothos/core';
import type { GraphQLContext } from './context.js';
import RateLimitPlugin from './plugins/rate-limit/index.js';
import ViewerIndependentPlugin from './plugins/viewer-independent/index.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [RateLimitPlugin, ViewerIndependentPlugin],
  defaultFieldNullability: false,
  rateLimit: {
    consume: (ctx, name, rule, key) => ctx.rateLimiter.consume(name, rule, key),
    userKey: async (ctx) => (await ctx.viewer())?.id ?? null,
    addressKey: (ctx) => ctx.clientAddress,
  },
});

/** The builder's resolved type parameters, for helpers that take or return its refs. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;
