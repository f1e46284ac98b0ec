// What the schema keeps only for old clients is marked so, with the reason.
import { describe, expect, it } from 'vitest';
import { GraphQLEnumType } from 'graphql';
import { schema } from '../../src/graphql/schema.js';

describe('deprecations in the schema', () => {
  it('marks MessageKind.FAILED, which no message ever has, deprecated with a reason', () => {
    const kind = schema.getType('MessageKind');
    expect(kind).toBeInstanceOf(GraphQLEnumType);
    const failed = (kind as GraphQLEnumType).getValue('FAILED');
    expect(failed?.deprecationReason).toMatch(/never a message in the room/);
    const live = (kind as GraphQLEnumType).getValues().filter((value) => !value.deprecationReason);
    expect(live.map((value) => value.name).sort()).toEqual(['CHAT', 'JOINED', 'LEFT']);
  });
});
