// Rate limits as data: the admin's view of every limit and the mutation that changes one at
// run time, on every instance at once (through the shared RateLimitStore).
import type { GraphQLSchema } from 'graphql';
import { Forbidden, InvalidInput } from '../../core/errors.js';
import { effectiveRule, parseRule, type RateLimitOverrides, type RateLimitRule } from '../../core/rate-limits.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import type { ResolvedRateLimit } from '../plugins/rate-limit/types.js';

/** The limit on opening a WebSocket connection, per client address; enforced by the server. */
export const CONNECTION_LIMIT = { name: 'connection', points: 30, durationSeconds: 60 } as const;

interface RateLimitView {
  readonly name: string;
  readonly defaultRule: RateLimitRule;
  readonly rule: RateLimitRule | null;
  readonly overridden: boolean;
}

const RateLimitRef = builder.objectRef<RateLimitView>('RateLimit').implement({
  description: 'One named rate limit and the rule in force for it.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The field it guards ("sendMessage"), or "connection" for WebSocket connections.' }),
    enabled: t.boolean({ description: 'False when the limit is off.', resolve: (view) => view.rule !== null }),
    points: t.int({ nullable: true, description: 'Calls allowed per window; null when off.', resolve: (view) => view.rule?.points ?? null }),
    durationSeconds: t.int({
      nullable: true,
      description: 'Window length in seconds; null when off.',
      resolve: (view) => view.rule?.durationSeconds ?? null,
    }),
    overridden: t.exposeBoolean('overridden', { description: 'True when RATE_LIMITS or an admin changed it from the default.' }),
  }),
});

/** Every limit the schema declares, plus the connection limit, with its default rule. */
export function declaredLimits(schema: GraphQLSchema): Map<string, RateLimitRule> {
  const limits = new Map<string, RateLimitRule>([[CONNECTION_LIMIT.name, CONNECTION_LIMIT]]);
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const limit = field.extensions?.rateLimit as ResolvedRateLimit | undefined;
      if (limit) limits.set(limit.name, limit);
    }
  }
  return limits;
}

function view(name: string, defaultRule: RateLimitRule, overrides: RateLimitOverrides): RateLimitView {
  return { name, defaultRule, rule: effectiveRule(name, defaultRule, overrides), overridden: name in overrides || '*' in overrides };
}

function requireAdmin(ctx: GraphQLContext): void {
  if (!ctx.isAdmin) throw new Forbidden('This operation needs the admin token (x-admin-token header).');
}

builder.queryField('rateLimits', (t) =>
  t.field({
    type: [RateLimitRef],
    description: 'Admin only: every rate limit and the rule in force.',
    resolve: async (_root, _args, ctx, info) => {
      requireAdmin(ctx);
      const overrides = await ctx.rateLimiter.overrides();
      return [...declaredLimits(info.schema)].map(([name, rule]) => view(name, rule, overrides));
    },
  }),
);

builder.mutationField('setRateLimit', (t) =>
  t.field({
    type: RateLimitRef,
    description: 'Admin only: changes one limit on every instance, without a restart.',
    args: {
      name: t.arg.string({ required: true, description: 'The limit, as listed by `rateLimits`.' }),
      rule: t.arg.string({ description: '"20/10s", "5/1m", "off"; null restores the default.' }),
    },
    resolve: async (_root, { name, rule }, ctx, info) => {
      requireAdmin(ctx);
      const defaultRule = declaredLimits(info.schema).get(name);
      if (!defaultRule) throw new InvalidInput(`There is no rate limit named "${name}".`, 'name');
      await ctx.rateLimiter.setOverride(name, rule === null || rule === undefined ? undefined : parseRule(rule));
      return view(name, defaultRule, await ctx.rateLimiter.overrides());
    },
  }),
);
