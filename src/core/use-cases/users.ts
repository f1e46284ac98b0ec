// Users: lookups, their public keys for end-to-end encryption, and who is online.
import { InvalidInput, Unauthenticated } from '../errors.js';
import { characterCount, type InputLimits } from '../limits.js';
import type { User, UserId } from '../model.js';
import type { CoreDeps } from './deps.js';
import { requireViewer } from './viewer.js';

export class Users {
  constructor(
    private readonly deps: Pick<CoreDeps, 'repository' | 'presence'>,
    private readonly limits: InputLimits,
  ) {}

  get(id: UserId): Promise<User | null> {
    return this.deps.repository.getUser(id);
  }

  /** The users that exist among `ids`, in no particular order. */
  getMany(ids: readonly UserId[]): Promise<User[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.deps.repository.getUsers(ids);
  }

  async setPublicKey(viewer: User | null, publicKey: string): Promise<User> {
    const user = requireViewer(viewer);
    const length = characterCount(publicKey);
    if (length === 0 || length > this.limits.maxPublicKeyLength) {
      throw new InvalidInput(`"publicKey" must be 1 to ${this.limits.maxPublicKeyLength} characters.`, 'publicKey');
    }
    const updated = await this.deps.repository.setPublicKey(user.id, publicKey);
    if (!updated) throw new Unauthenticated();
    return updated;
  }

  isOnline(userId: UserId): Promise<boolean> {
    return this.deps.presence.isOnline(userId);
  }

  /** The users with a live subscription on any instance. */
  async online(): Promise<User[]> {
    return this.getMany(await this.deps.presence.onlineUserIds());
  }

  /** Marks the viewer online while a live subscription of theirs runs; call the result when it ends. */
  enterPresence(viewer: User): Promise<() => Promise<void>> {
    return this.deps.presence.enter(viewer.id);
  }
}
