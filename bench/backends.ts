// The backends a run covers: the embedded one always, MongoDB + Redis when MONGODB_URL and
// REDIS_URL are set. Every server under test gets a fresh database and Redis prefix of its own.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { databaseInUrl, withDatabase } from '../src/adapters/mongo/mongo-url.js';

export interface Backend {
  /** "memory" or "mongodb+redis". */
  readonly name: string;
  /** True for MongoDB + Redis: storage outside the server process. */
  readonly external: boolean;
  /** A fresh, empty deployment: the environment a server needs to use it, and its cleanup. */
  fresh(): Deployment;
}

export interface Deployment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The deployment's own MongoDB URL (with its database), or null on the embedded backend. */
  readonly mongodbUrl: string | null;
  /** Drops what the deployment stored (best effort). */
  cleanup(): Promise<void>;
}

const memory: Backend = {
  name: 'memory',
  external: false,
  fresh: () => ({ env: { MONGODB_URL: undefined, REDIS_URL: undefined }, mongodbUrl: null, cleanup: async () => undefined }),
};

export function backendsFromEnv(env: Record<string, string | undefined> = process.env): Backend[] {
  const mongodbUrl = env.MONGODB_URL;
  const redisUrl = env.REDIS_URL;
  if (!mongodbUrl || !redisUrl) return [memory];
  return [memory, mongoAndRedis(mongodbUrl, redisUrl)];
}

function mongoAndRedis(mongodbUrl: string, redisUrl: string): Backend {
  const base = databaseInUrl(mongodbUrl) ?? 'bench';
  return {
    name: 'mongodb+redis',
    external: true,
    fresh: () => {
      const id = randomBytes(4).toString('hex');
      const database = `${base}_${id}`;
      const prefix = `${database}:`;
      const url = withDatabase(mongodbUrl, database);
      return {
        env: { MONGODB_URL: url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix },
        mongodbUrl: url,
        cleanup: async () => {
          await Promise.allSettled([dropDatabase(mongodbUrl, database), deleteKeys(redisUrl, prefix)]);
        },
      };
    },
  };
}

async function dropDatabase(url: string, database: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
