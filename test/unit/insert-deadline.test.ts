import { describe, expect, it } from 'vitest';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { createMongoClient, createMongoRepository } from '../../src/adapters/mongo/connect-mongo-repository.js';
import { insertDeadlineMs, type InsertDeadlineSettings } from '../../src/adapters/mongo/insert-deadline.js';
import { buildApp } from '../../src/app.js';
import { defaultChatOptions, type ChatOptions } from '../../src/core/chat.js';
import { loadConfig } from '../../src/config.js';
import { memoryChat } from '../support/memory-chat.js';
import { silentLogger } from '../support/silent-logger.js';

/** A store whose inserts may still land up to `deadlineMs` after they were called. */
class SlowInsertRepository extends MemoryRepository {
  constructor(override readonly insertDeadlineMs: number) {
    super();
  }
}

const withGapTimeout = (gapTimeoutMs: number): ChatOptions => ({
  ...defaultChatOptions,
  stream: { ...defaultChatOptions.stream, gapTimeoutMs },
});

describe('the message stream gap timeout against the repository insert deadline', () => {
  it('refuses to build a Chat whose gap timeout does not exceed the insert deadline, naming both', () => {
    for (const deadline of [5000, 5001, Infinity]) {
      expect(() => memoryChat({ repository: new SlowInsertRepository(deadline) })).toThrow(
        `gapTimeoutMs (5000 ms) must exceed the repository's insertDeadlineMs (${deadline} ms)`,
      );
    }
    expect(() => memoryChat({ repository: new MemoryRepository(), options: withGapTimeout(0) })).toThrow(
      `gapTimeoutMs (0 ms) must exceed the repository's insertDeadlineMs (0 ms)`,
    );
  });

  it('builds a Chat whose gap timeout exceeds the insert deadline', () => {
    expect(() => memoryChat({ repository: new SlowInsertRepository(4999) })).not.toThrow();
    expect(() => memoryChat({ repository: new MemoryRepository(), options: withGapTimeout(1) })).not.toThrow();
  });

  it('the memory store inserts before the call returns: deadline 0', () => {
    expect(new MemoryRepository().insertDeadlineMs).toBe(0);
  });

  it('the MongoDB repository, as the app builds it, passes with the default options', async () => {
    // No server needed: the deadline comes from the client's settings, read before it connects.
    const repository = createMongoRepository(createMongoClient('mongodb://127.0.0.1:9'), 'chat', silentLogger);
    try {
      expect(repository.insertDeadlineMs).toBe(4500);
      expect(repository.insertDeadlineMs).toBeLessThan(defaultChatOptions.stream.gapTimeoutMs);
      expect(() => memoryChat({ repository })).not.toThrow();
    } finally {
      await repository.close();
    }
  });

  it('buildApp fails at start on such a configuration', async () => {
    const config = loadConfig({});
    await expect(buildApp({ ...config, chat: withGapTimeout(0) }, silentLogger)).rejects.toThrow(/gapTimeoutMs \(0 ms\)/);
  });
});

describe('insertDeadlineMs (MongoDB)', () => {
  const settings: InsertDeadlineSettings = {
    queueTimeoutMs: 500,
    serverSelectionTimeoutMs: 2000,
    connectionCheckoutTimeoutMs: 500,
    operationTimeoutMs: 1500,
    retryWrites: false,
  };

  it('adds up the queue wait, server selection, connection checkout and the server-side limit', () => {
    expect(insertDeadlineMs(settings)).toBe(4500);
    expect(insertDeadlineMs({ ...settings, queueTimeoutMs: 0 })).toBe(4000);
  });

  it('is unbounded when a step has no limit (0), or when the driver retries writes', () => {
    expect(insertDeadlineMs({ ...settings, serverSelectionTimeoutMs: 0 })).toBe(Infinity);
    expect(insertDeadlineMs({ ...settings, connectionCheckoutTimeoutMs: 0 })).toBe(Infinity);
    expect(insertDeadlineMs({ ...settings, operationTimeoutMs: 0 })).toBe(Infinity);
    expect(insertDeadlineMs({ ...settings, retryWrites: true })).toBe(Infinity);
  });
});
