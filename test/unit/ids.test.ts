import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/core/errors.js';
import { idKind, newId, parseId } from '../../src/core/ids.js';

describe('ids', () => {
  it('newId makes a prefixed, URL-safe id of the requested kind', () => {
    expect(newId('user')).toMatch(/^usr_[A-Za-z0-9_-]{22}$/);
    expect(newId('room')).toMatch(/^room_[A-Za-z0-9_-]{22}$/);
    expect(newId('message')).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
  });

  it('newId never repeats', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('room')));
    expect(ids.size).toBe(1000);
  });

  it('idKind names the kind of a well-formed id', () => {
    expect(idKind(newId('user'))).toBe('user');
    expect(idKind(newId('room'))).toBe('room');
    expect(idKind(newId('message'))).toBe('message');
  });

  it.each([
    ['empty', ''],
    ['no separator', 'roomAAAAAAAAAAAAAAAAAAAAAA'],
    ['unknown prefix', 'chan_AAAAAAAAAAAAAAAAAAAAAA'],
    ['body too short', 'room_AAAAAAAAAAAAAAAAAAAAA'],
    ['body too long', 'room_AAAAAAAAAAAAAAAAAAAAAAA'],
    ['illegal character', 'room_AAAAAAAAAAAAAAAAAAAA$A'],
    ['prefix with different case', 'ROOM_AAAAAAAAAAAAAAAAAAAAAA'],
    ['leading space', ' room_AAAAAAAAAAAAAAAAAAAAAA'],
  ])('idKind is null for a malformed id (%s)', (_case, raw) => {
    expect(idKind(raw)).toBeNull();
  });

  it('parseId returns a well-formed id of the right kind unchanged', () => {
    const id = newId('room');
    expect(parseId('room', id, 'roomId')).toBe(id);
  });

  it('parseId rejects an id of another kind with InvalidInput naming the field', () => {
    const userId = newId('user');
    expect(() => parseId('room', userId, 'roomId')).toThrow(InvalidInput);
    try {
      parseId('room', userId, 'roomId');
    } catch (error) {
      expect((error as InvalidInput).code).toBe('BAD_USER_INPUT');
      expect((error as InvalidInput).details).toEqual({ field: 'roomId' });
    }
  });

  it('parseId rejects garbage', () => {
    expect(() => parseId('message', 'not-an-id', 'id')).toThrow(InvalidInput);
  });
});
