// Option types of the rate-limit plugin.

/** Whose budget a call spends: the signed-in user, the client's address, or a key you compute. */
export type RateLimitKey<Context, Args> = 'user' | 'address' | ((args: Args, context: Context) => string | Promise<string>);

/** The `rateLimit` option of a field. */
export interface FieldRateLimit<Context, Args> {
  /** Calls allowed per `duration`. */
  readonly points: number;
  /** Window length in seconds. */
  readonly duration: number;
  /** Whose budget the call spends. @default 'user' */
  readonly key?: RateLimitKey<Context, Args>;
  /** Name used in RATE_LIMITS and run-time overrides. @default the field name for root fields, else "Type.field" */
  readonly name?: string;
}

/** The `rateLimit` option of the builder: how the plugin reaches the limiter and identifies callers. */
export interface RateLimitPluginOptions<Context> {
  /** Counts one call; must reject (with the error clients should see) when over the limit. */
  readonly consume: (context: Context, name: string, rule: { points: number; durationSeconds: number }, key: string) => Promise<void>;
  /** The caller's user ID, or null when anonymous (then the address is used). */
  readonly userKey: (context: Context) => Promise<string | null>;
  /** The caller's network address. */
  readonly addressKey: (context: Context) => string;
}

/** What the plugin stores in a field's extensions at build time. */
export interface ResolvedRateLimit {
  readonly name: string;
  readonly points: number;
  readonly durationSeconds: number;
  readonly key: RateLimitKey<unknown, unknown>;
}
