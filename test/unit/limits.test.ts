import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/core/errors.js';
import {
  characterCount,
  checkClientMessageId,
  checkName,
  checkPageSize,
  checkText,
  defaultInputLimits as limits,
} from '../../src/core/limits.js';

const EMOJI = '\u{1F600}'; // one character, two UTF-16 code units

describe('characterCount', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(EMOJI.length).toBe(2);
    expect(characterCount(EMOJI)).toBe(1);
    expect(characterCount(`a${EMOJI}b`)).toBe(3);
    expect(characterCount('')).toBe(0);
  });
});

describe('checkText', () => {
  it('accepts text of 1 and of 4000 characters', () => {
    expect(checkText('a', false, limits)).toBe('a');
    const longest = 'x'.repeat(limits.maxTextLength);
    expect(checkText(longest, false, limits)).toBe(longest);
  });

  it('rejects text of 4001 characters', () => {
    expect(() => checkText('x'.repeat(limits.maxTextLength + 1), false, limits)).toThrow(InvalidInput);
  });

  it('measures in characters: 4000 emoji are allowed although they are 8000 UTF-16 units', () => {
    expect(() => checkText(EMOJI.repeat(limits.maxTextLength), false, limits)).not.toThrow();
    expect(() => checkText(EMOJI.repeat(limits.maxTextLength + 1), false, limits)).toThrow(InvalidInput);
  });

  it('keeps the text as sent (no trimming)', () => {
    expect(checkText('  hi  ', false, limits)).toBe('  hi  ');
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['newlines and tabs', '\n\t \n'],
  ])('rejects blank text (%s)', (_case, text) => {
    expect(() => checkText(text, false, limits)).toThrow(InvalidInput);
  });

  it('allows newlines and tabs inside text', () => {
    expect(checkText('line 1\n\tline 2', false, limits)).toBe('line 1\n\tline 2');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['bell', 'a\u0007b'],
    ['escape', 'a\u001Bb'],
    ['delete', 'a\u007Fb'],
    ['carriage return', 'a\rb'],
  ])('rejects control characters in plain text (%s)', (_case, text) => {
    expect(() => checkText(text, false, limits)).toThrow(InvalidInput);
  });

  it('does not inspect ciphertext: whitespace and control characters pass when encrypted', () => {
    expect(checkText('   ', true, limits)).toBe('   ');
    expect(checkText('a\u0000b', true, limits)).toBe('a\u0000b');
  });

  it('still measures ciphertext: empty or too long is rejected', () => {
    expect(() => checkText('', true, limits)).toThrow(InvalidInput);
    expect(() => checkText('x'.repeat(limits.maxTextLength + 1), true, limits)).toThrow(InvalidInput);
  });

  it('follows configured limits', () => {
    const small = { ...limits, maxTextLength: 3 };
    expect(checkText('abc', false, small)).toBe('abc');
    expect(() => checkText('abcd', false, small)).toThrow(InvalidInput);
  });

  it('names the field in the error', () => {
    try {
      checkText('', false, limits);
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidInput).details).toEqual({ field: 'text' });
    }
  });
});

describe('checkName', () => {
  it('trims the name', () => {
    expect(checkName('  Lobby  ', limits, 'name')).toBe('Lobby');
  });

  it('accepts 64 characters and rejects 65', () => {
    expect(checkName('n'.repeat(64), limits, 'name')).toHaveLength(64);
    expect(() => checkName('n'.repeat(65), limits, 'name')).toThrow(InvalidInput);
  });

  it('counts code points', () => {
    expect(() => checkName(EMOJI.repeat(64), limits, 'name')).not.toThrow();
    expect(() => checkName(EMOJI.repeat(65), limits, 'name')).toThrow(InvalidInput);
  });

  it.each([
    ['empty', ''],
    ['blank', '    '],
    ['two lines', 'a\nb'],
    ['tab inside', 'a\tb'],
    ['control character', 'a\u0001b'],
  ])('rejects a bad name (%s) naming the field', (_case, name) => {
    let thrown: unknown;
    try {
      checkName(name, limits, 'roomName');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidInput);
    expect((thrown as InvalidInput).details).toEqual({ field: 'roomName' });
  });
});

describe('checkClientMessageId', () => {
  it('passes null and undefined through as null', () => {
    expect(checkClientMessageId(null, limits)).toBeNull();
    expect(checkClientMessageId(undefined, limits)).toBeNull();
  });

  it('accepts up to 128 characters', () => {
    expect(checkClientMessageId('c'.repeat(128), limits)).toHaveLength(128);
  });

  it.each([
    ['empty', ''],
    ['too long', 'c'.repeat(129)],
    ['control character', 'id\u0000'],
  ])('rejects a bad id (%s)', (_case, id) => {
    expect(() => checkClientMessageId(id, limits)).toThrow(InvalidInput);
  });
});

describe('checkPageSize', () => {
  it.each([1, 50, 100])('accepts %i', (size) => {
    expect(checkPageSize(size, limits, 'first')).toBe(size);
  });

  it.each([0, -1, 101, 1.5, Number.NaN])('rejects %s', (size) => {
    expect(() => checkPageSize(size, limits, 'first')).toThrow(InvalidInput);
  });
});
