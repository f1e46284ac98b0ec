import { describe, expect, it } from 'vitest';
import { databaseInUrl, withDatabase } from '../../src/adapters/mongo/mongo-url.js';

describe('mongodb:// URLs', () => {
  it('reads the database, or null when the URL names none', () => {
    expect(databaseInUrl('mongodb://127.0.0.1:27017/chat')).toBe('chat');
    expect(databaseInUrl('mongodb://a:b@h1:1,h2:2/db?replicaSet=r')).toBe('db');
    expect(databaseInUrl('mongodb+srv://cluster.example/app%2Dx')).toBe('app-x');
    expect(databaseInUrl('mongodb://127.0.0.1:27017/')).toBeNull();
    expect(databaseInUrl('mongodb://127.0.0.1:27017')).toBeNull();
    expect(databaseInUrl('mongodb://h/?w=1')).toBeNull();
  });

  it('replaces the database and keeps hosts and options', () => {
    expect(withDatabase('mongodb://127.0.0.1:27017/', 'T')).toBe('mongodb://127.0.0.1:27017/T');
    expect(withDatabase('mongodb://127.0.0.1:27017', 'T')).toBe('mongodb://127.0.0.1:27017/T');
    expect(withDatabase('mongodb://a:b@h1:1,h2:2/db?replicaSet=r', 'T')).toBe('mongodb://a:b@h1:1,h2:2/T?replicaSet=r');
    expect(withDatabase('mongodb://h/?x=1', 'T')).toBe('mongodb://h/T?x=1');
  });
});
