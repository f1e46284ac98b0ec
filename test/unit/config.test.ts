// The environment -> Config mapping: defaults, overrides, and one error naming every bad variable.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('with nothing set gives the embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, mongodbUrl: null, redisUrl: null, memoryMaxMessages: 1_000_000 });
    expect(config.chat.sessionTtlMs).toBe(30 * 24 * 60 * 60 * 1000);
  });

  it('reads MEMORY_MAX_MESSAGES; an empty value means unset', () => {
    expect(loadConfig({ MEMORY_MAX_MESSAGES: '5' }).memoryMaxMessages).toBe(5);
    expect(loadConfig({ MEMORY_MAX_MESSAGES: '' }).memoryMaxMessages).toBe(1_000_000);
  });

  it.each(['0', '-3', '1.5', 'lots'])('refuses MEMORY_MAX_MESSAGES=%s, naming the variable', (value) => {
    expect(() => loadConfig({ MEMORY_MAX_MESSAGES: value })).toThrow(/MEMORY_MAX_MESSAGES/);
  });

  it('reads EDIT_WINDOW_SECONDS: a day unless set, 0 for no limit', () => {
    expect(loadConfig({}).chat.edits.editWindowMs).toBe(86_400 * 1000);
    expect(loadConfig({ EDIT_WINDOW_SECONDS: '60' }).chat.edits.editWindowMs).toBe(60_000);
    expect(loadConfig({ EDIT_WINDOW_SECONDS: '0' }).chat.edits.editWindowMs).toBe(0);
  });

  it.each(['-1', '1.5', 'forever'])('refuses EDIT_WINDOW_SECONDS=%s, naming the variable', (value) => {
    expect(() => loadConfig({ EDIT_WINDOW_SECONDS: value })).toThrow(/EDIT_WINDOW_SECONDS/);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'x', MEMORY_MAX_MESSAGES: '0' })).toThrow(/PORT[\s\S]*MEMORY_MAX_MESSAGES/);
  });

  it('refuses a default page size above the largest page', () => {
    expect(() => loadConfig({ DEFAULT_PAGE_SIZE: '20', MAX_PAGE_SIZE: '10' })).toThrow(/DEFAULT_PAGE_SIZE/);
  });
});
