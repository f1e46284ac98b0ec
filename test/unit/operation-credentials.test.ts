import { describe, expect, it } from 'vitest';
import { connectionCredentials, operationCredentials } from '../../src/transport/operation-credentials.js';

describe('operation credentials', () => {
  const connection = connectionCredentials({ Authorization: 'Bearer conn', ADMINTOKEN: 'admin' });

  it('connectionParams are read under any letter case', () => {
    expect(connection).toEqual({ authorization: 'Bearer conn', adminToken: 'admin' });
    expect(connectionCredentials(undefined)).toEqual({ authorization: undefined, adminToken: undefined });
  });

  it('a header of the operation wins, each credential on its own', () => {
    expect(operationCredentials({ headers: { AUTHORIZATION: 'Bearer op' } }, connection)).toEqual({
      authorization: 'Bearer op',
      adminToken: 'admin',
    });
    expect(operationCredentials({ headers: { 'X-Admin-Token': 'op-admin' } }, connection)).toEqual({
      authorization: 'Bearer conn',
      adminToken: 'op-admin',
    });
  });

  it('absent, null or malformed headers fall back to the connection', () => {
    for (const extensions of [undefined, null, 'x', { headers: null }, { headers: ['a'] }, { headers: { authorization: null } }]) {
      expect(operationCredentials(extensions, connection)).toEqual(connection);
    }
  });

  it('a value that is not a string is kept, to be refused, not dropped', () => {
    expect(operationCredentials({ headers: { authorization: 42 } }, connection).authorization).toBe(42);
  });
});
