// Environment variables -> one typed, validated configuration. Unset means the embedded default.
import { z } from 'zod';
import { defaultChatOptions, type ChatOptions } from './core/chat.js';
import { DEFAULT_MEMORY_MAX_MESSAGES } from './core/history-horizon.js';
import { defaultInputLimits } from './core/limits.js';
import { parseRateLimits, type RateLimitOverrides } from './core/rate-limits.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('chat:'),
  RATE_LIMITS: z.string().optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  GRAPHIQL: flag(true),
  INTROSPECTION: flag(true),
  MAX_TEXT_LENGTH: positiveInt(defaultInputLimits.maxTextLength),
  MAX_NAME_LENGTH: positiveInt(defaultInputLimits.maxNameLength),
  MAX_PAGE_SIZE: positiveInt(defaultInputLimits.maxPageSize),
  DEFAULT_PAGE_SIZE: positiveInt(defaultInputLimits.defaultPageSize),
  SESSION_TTL_SECONDS: positiveInt(defaultChatOptions.sessionTtlMs / 1000),
  MEMORY_MAX_MESSAGES: positiveInt(DEFAULT_MEMORY_MAX_MESSAGES),
  EDIT_WINDOW_SECONDS: z.coerce.number().int().min(0).default(defaultChatOptions.edits.editWindowMs / 1000),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly mongodbUrl: string | null;
  readonly redisUrl: string | null;
  /** Prefix of every Redis key and channel, so deployments (and tests) can share one Redis. */
  readonly redisKeyPrefix: string;
  /** Start-up overrides of the rate limits (RATE_LIMITS). */
  readonly rateLimits: RateLimitOverrides;
  /** Bearer token of the admin operations (`x-admin-token` header); unset disables them. */
  readonly adminToken: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly graphiql: boolean;
  readonly introspection: boolean;
  /** Most messages the embedded store holds (MEMORY_MAX_MESSAGES); unused with MONGODB_URL. */
  readonly memoryMaxMessages: number;
  readonly chat: ChatOptions;
}

/** Reads the configuration; throws one error that names every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as it does in most shells and compose files.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.DEFAULT_PAGE_SIZE > e.MAX_PAGE_SIZE) {
    throw new Error('Invalid configuration:\n  DEFAULT_PAGE_SIZE: must not exceed MAX_PAGE_SIZE');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    mongodbUrl: e.MONGODB_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    rateLimits: parseRateLimitsVariable(e.RATE_LIMITS ?? null),
    adminToken: e.ADMIN_TOKEN ?? null,
    logLevel: e.LOG_LEVEL,
    graphiql: e.GRAPHIQL,
    introspection: e.INTROSPECTION,
    memoryMaxMessages: e.MEMORY_MAX_MESSAGES,
    chat: {
      ...defaultChatOptions,
      limits: {
        ...defaultInputLimits,
        maxTextLength: e.MAX_TEXT_LENGTH,
        maxNameLength: e.MAX_NAME_LENGTH,
        maxPageSize: e.MAX_PAGE_SIZE,
        defaultPageSize: e.DEFAULT_PAGE_SIZE,
      },
      sessionTtlMs: e.SESSION_TTL_SECONDS * 1000,
      edits: { editWindowMs: e.EDIT_WINDOW_SECONDS * 1000 },
    },
  };
}

function parseRateLimitsVariable(text: string | null): RateLimitOverrides {
  try {
    return parseRateLimits(text);
  } catch (error) {
    throw new Error(`Invalid configuration:\n  ${(error as Error).message}`);
  }
}
