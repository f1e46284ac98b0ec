// The rate-limit Pothos plugin: `rateLimit: { points, duration, key }` on any field. Queries and
// mutations are counted per call before their resolver runs (so a refused call has no effect);
// subscriptions once when they start, never per event. Fields without the option cost nothing.
import './global-types.js';
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import type { RateLimitPluginOptions, ResolvedRateLimit } from './types.js';

export type * from './types.js';

const pluginName = 'rateLimit';

export default pluginName;

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

export class PothosRateLimitPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const option = fieldConfig.pothosOptions.rateLimit;
    if (!option) return fieldConfig;
    const rateLimit: ResolvedRateLimit = {
      name: option.name ?? (ROOT_TYPES.has(fieldConfig.parentType) ? fieldConfig.name : `${fieldConfig.parentType}.${fieldConfig.name}`),
      points: option.points,
      durationSeconds: option.duration,
      key: (option.key ?? 'user') as ResolvedRateLimit['key'],
    };
    return { ...fieldConfig, extensions: { ...fieldConfig.extensions, rateLimit } };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const limit = fieldConfig.extensions?.rateLimit as ResolvedRateLimit | undefined;
    // A subscription's resolve runs once per event: it is limited in wrapSubscribe instead.
    if (!limit || fieldConfig.kind === 'Subscription') return resolver;
    return async (parent, args, context, info) => {
      await this.enforce(limit, args, context);
      return resolver(parent, args, context, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    const limit = fieldConfig.extensions?.rateLimit as ResolvedRateLimit | undefined;
    if (!limit || !subscribe) return subscribe;
    return async (parent, args, context, info) => {
      await this.enforce(limit, args, context);
      return subscribe(parent, args, context, info);
    };
  }

  private async enforce(limit: ResolvedRateLimit, args: object, context: Types['Context']): Promise<void> {
    const options = this.builder.options.rateLimit as RateLimitPluginOptions<Types['Context']> | undefined;
    if (!options) throw new Error('The rateLimit plugin needs the builder option `rateLimit`.');
    const key =
      limit.key === 'address'
        ? `address:${options.addressKey(context)}`
        : limit.key === 'user'
          ? await userOrAddress(options, context)
          : `custom:${await limit.key(args, context)}`;
    await options.consume(context, limit.name, limit, key);
  }
}

/** The user's budget when signed in; an anonymous caller spends its address's. */
async function userOrAddress<Context>(options: RateLimitPluginOptions<Context>, context: Context): Promise<string> {
  const user = await options.userKey(context).catch(() => null);
  return user === null ? `address:${options.addressKey(context)}` : `user:${user}`;
}

SchemaBuilder.registerPlugin(pluginName, PothosRateLimitPlugin);
