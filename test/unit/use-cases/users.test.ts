// Users on its own, over the adapters of a chat that signs the users up.
import { describe, expect, it } from 'vitest';
import { InvalidInput, Unauthenticated } from '../../../src/core/errors.js';
import { newId } from '../../../src/core/ids.js';
import type { User } from '../../../src/core/model.js';
import { Users } from '../../../src/core/use-cases/users.js';
import { chatFixture } from '../../support/chat-fixture.js';
import { rejection } from '../../support/rejection.js';

function setup() {
  const f = chatFixture();
  return { ...f, users: new Users(f.deps, f.chat.limits) };
}

describe('users, keys and presence', () => {
  it('setPublicKey stores the key as given and needs a viewer', async () => {
    const { users, user } = setup();
    const ada = await user();
    const key = '-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----';
    expect((await users.setPublicKey(ada, key)).publicKey).toBe(key);
    expect((await users.get(ada.id))?.publicKey).toBe(key);
    expect(await rejection(users.setPublicKey(null, key))).toBeInstanceOf(Unauthenticated);
    expect(await rejection(users.setPublicKey(ada, ''))).toBeInstanceOf(InvalidInput);
  });

  it('getUsers returns the users that exist and skips unknown ids', async () => {
    const { users, user } = setup();
    const ada = await user();
    const found = await users.getMany([ada.id, newId('user')]);
    expect(found.map((u: User) => u.id)).toEqual([ada.id]);
    expect(await users.getMany([])).toEqual([]);
  });

  it('a user is online while any of their presences lasts', async () => {
    const { users, user } = setup();
    const ada = await user();
    expect(await users.isOnline(ada.id)).toBe(false);
    const leaveFirst = await users.enterPresence(ada);
    const leaveSecond = await users.enterPresence(ada);
    expect((await users.online()).map((u) => u.id)).toEqual([ada.id]);
    await leaveFirst();
    await leaveFirst(); // leaving twice counts once
    expect(await users.isOnline(ada.id)).toBe(true);
    await leaveSecond();
    expect(await users.isOnline(ada.id)).toBe(false);
    expect(await users.online()).toEqual([]);
  });
});
