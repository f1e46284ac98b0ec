import { describe, expect, it } from 'vitest';
import { messageCursor } from '../../src/core/cursor.js';
import { InvalidInput } from '../../src/core/errors.js';
import { defaultInputLimits as limits } from '../../src/core/limits.js';
import { messageRange } from '../../src/core/paging.js';

describe('messageRange', () => {
  it('with no arguments takes the default page from the newest end', () => {
    expect(messageRange({}, limits)).toEqual({ afterSeq: null, beforeSeq: null, limit: 50, from: 'end' });
  });

  it('treats null arguments as absent', () => {
    expect(messageRange({ first: null, after: null, last: null, before: null }, limits)).toEqual(
      messageRange({}, limits),
    );
  });

  it('first pages forward from the oldest end', () => {
    expect(messageRange({ first: 10 }, limits)).toEqual({ afterSeq: null, beforeSeq: null, limit: 10, from: 'start' });
  });

  it('first + after pages forward after the cursor', () => {
    expect(messageRange({ first: 5, after: messageCursor(7) }, limits)).toEqual({
      afterSeq: 7,
      beforeSeq: null,
      limit: 5,
      from: 'start',
    });
  });

  it('last pages back from the newest end', () => {
    expect(messageRange({ last: 20 }, limits)).toEqual({ afterSeq: null, beforeSeq: null, limit: 20, from: 'end' });
  });

  it('last + before pages back before the cursor', () => {
    expect(messageRange({ last: 3, before: messageCursor(9) }, limits)).toEqual({
      afterSeq: null,
      beforeSeq: 9,
      limit: 3,
      from: 'end',
    });
  });

  it('after alone pages forward with the default size', () => {
    expect(messageRange({ after: messageCursor(4) }, limits)).toEqual({
      afterSeq: 4,
      beforeSeq: null,
      limit: 50,
      from: 'start',
    });
  });

  it('before alone pages back with the default size', () => {
    expect(messageRange({ before: messageCursor(4) }, limits)).toEqual({
      afterSeq: null,
      beforeSeq: 4,
      limit: 50,
      from: 'end',
    });
  });

  it('after and before together bound a window', () => {
    expect(messageRange({ first: 2, after: messageCursor(1), before: messageCursor(10) }, limits)).toEqual({
      afterSeq: 1,
      beforeSeq: 10,
      limit: 2,
      from: 'start',
    });
  });

  it('uses the configured default page size', () => {
    expect(messageRange({}, { ...limits, defaultPageSize: 7 }).limit).toBe(7);
  });

  it('rejects first and last together', () => {
    expect(() => messageRange({ first: 1, last: 1 }, limits)).toThrow(InvalidInput);
  });

  it.each([
    ['first 0', { first: 0 }],
    ['first 101', { first: 101 }],
    ['last 0', { last: 0 }],
    ['last 101', { last: 101 }],
    ['malformed after', { after: 'nope!' }],
    ['malformed before', { before: 'bm90IGEgY3Vyc29y' }],
  ])('rejects %s', (_case, args) => {
    expect(() => messageRange(args, limits)).toThrow(InvalidInput);
  });
});
