import { describe, expect, it } from 'vitest';
import { messageCursor, parseMessageCursor, parseRoomCursor, roomCursor } from '../../src/core/cursor.js';
import { InvalidInput } from '../../src/core/errors.js';
import { newId } from '../../src/core/ids.js';

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('message cursors', () => {
  it.each([0, 1, 42, 999_999_999_999_999])('round-trips seq %i', (seq) => {
    expect(parseMessageCursor(messageCursor(seq), 'after')).toBe(seq);
  });

  it('is opaque: the cursor text does not show the number', () => {
    expect(messageCursor(12345)).not.toContain('12345');
    expect(messageCursor(7)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('orders nothing by string: distinct seqs give distinct cursors', () => {
    expect(new Set([1, 2, 10, 11, 100].map(messageCursor)).size).toBe(5);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'bTo$'],
    ['padding character', `${messageCursor(1)}=`],
    ['a room cursor', roomCursor({ createdAt: new Date(0), id: newId('room') })],
    ['negative seq', encode('m:-1')],
    ['fractional seq', encode('m:1.5')],
    ['trailing junk', encode('m:1x')],
    ['too many digits', encode('m:1234567890123456')],
    ['no prefix', encode('1')],
    ['too long', 'A'.repeat(201)],
  ])('rejects a malformed cursor (%s) with InvalidInput naming the field', (_case, cursor) => {
    let thrown: unknown;
    try {
      parseMessageCursor(cursor, 'before');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInput);
    expect((thrown as InvalidInput).details).toEqual({ field: 'before' });
  });
});

describe('room cursors', () => {
  it('round-trips createdAt and id', () => {
    const room = { createdAt: new Date('2026-03-01T10:00:00.123Z'), id: newId('room') };
    const parsed = parseRoomCursor(roomCursor(room), 'after');
    expect(parsed.id).toBe(room.id);
    expect(parsed.createdAt.getTime()).toBe(room.createdAt.getTime());
  });

  it.each([
    ['a message cursor', messageCursor(3)],
    ['a user id in place of a room id', encode(`r:1:${newId('user')}`)],
    ['missing time', encode(`r::${newId('room')}`)],
    ['garbage', 'zzz'],
  ])('rejects a malformed cursor (%s)', (_case, cursor) => {
    expect(() => parseRoomCursor(cursor, 'after')).toThrow(InvalidInput);
  });
});
