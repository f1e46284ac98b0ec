// Signing in: an anonymous user with a session token, and the user a token belongs to.
import { Unauthenticated } from '../errors.js';
import { newId } from '../ids.js';
import { checkName, type InputLimits } from '../limits.js';
import type { Session, User } from '../model.js';
import { randomUserName } from '../random-names.js';
import { hashSessionToken, newSessionToken } from '../session-token.js';
import type { CoreDeps } from './deps.js';

export class Sessions {
  constructor(
    private readonly deps: Pick<CoreDeps, 'repository' | 'clock'>,
    private readonly options: { readonly limits: InputLimits; readonly sessionTtlMs: number },
  ) {}

  /** A new anonymous user and a session token for it. */
  async create(name?: string | null): Promise<{ token: string; user: User }> {
    const now = this.deps.clock.now();
    const user: User = {
      id: newId('user'),
      name: name === null || name === undefined ? randomUserName() : checkName(name, this.options.limits, 'name'),
      publicKey: null,
      createdAt: new Date(now),
    };
    const token = newSessionToken();
    const session: Session = {
      tokenHash: hashSessionToken(token),
      userId: user.id,
      expiresAt: new Date(now + this.options.sessionTtlMs),
    };
    await this.deps.repository.createUser(user);
    await this.deps.repository.createSession(session);
    return { token, user };
  }

  /** The user a token belongs to; `Unauthenticated` when it is unknown or expired. */
  async authenticate(token: string): Promise<User> {
    const session = await this.deps.repository.getSession(hashSessionToken(token));
    if (!session || session.expiresAt.getTime() <= this.deps.clock.now()) {
      throw new Unauthenticated('The session token is invalid or has expired.');
    }
    const user = await this.deps.repository.getUser(session.userId);
    if (!user) throw new Unauthenticated('The session token is invalid or has expired.');
    return user;
  }
}
