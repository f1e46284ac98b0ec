// The chat core: every use case over the ports, composed once. Whatever the transport, a client's
// every action goes through one of these; each lives in its own module under use-cases/.
import { systemClock, type Clock } from './clock.js';
import { defaultInputLimits, type InputLimits } from './limits.js';
import { LiveStreams } from './live/live-streams.js';
import { defaultMessageStreamOptions, type MessageStreamOptions } from './live/message-stream.js';
import { TopicHub } from './live/topic-hub.js';
import { defaultTypingStreamOptions, type TypingStreamOptions } from './live/typing-stream.js';
import type { EventBus } from './ports/event-bus.js';
import type { Logger } from './ports/logger.js';
import type { Presence } from './ports/presence.js';
import type { Repository } from './ports/repository.js';
import { RoomAccess } from './room-access.js';
import type { CoreDeps } from './use-cases/deps.js';
import { Membership } from './use-cases/membership.js';
import { defaultEditRules, MessageEdits, type EditRules } from './use-cases/message-edits.js';
import { MessageWriter } from './use-cases/message-writer.js';
import { Messages } from './use-cases/messages.js';
import { Reactions } from './use-cases/reactions.js';
import { Rooms } from './use-cases/rooms.js';
import { Sessions } from './use-cases/sessions.js';
import { Typing } from './use-cases/typing.js';
import { Users } from './use-cases/users.js';

export interface ChatOptions {
  readonly limits: InputLimits;
  readonly stream: MessageStreamOptions;
  readonly typing: TypingStreamOptions;
  readonly edits: EditRules;
  /** How long a session token stays valid. @default 30 days */
  readonly sessionTtlMs: number;
}

export const defaultChatOptions: ChatOptions = {
  limits: defaultInputLimits,
  stream: defaultMessageStreamOptions,
  typing: defaultTypingStreamOptions,
  edits: defaultEditRules,
  sessionTtlMs: 30 * 24 * 60 * 60 * 1000,
};

export interface ChatDeps {
  readonly repository: Repository;
  readonly bus: EventBus;
  readonly presence: Presence;
  readonly logger: Logger;
  /** @default the system clock */
  readonly clock?: Clock;
}

export class Chat {
  readonly limits: InputLimits;
  readonly sessions: Sessions;
  readonly users: Users;
  readonly rooms: Rooms;
  readonly membership: Membership;
  readonly messages: Messages;
  /** Edits and deletes of messages. */
  readonly edits: MessageEdits;
  /** Reactions to messages. */
  readonly reactions: Reactions;
  readonly typing: Typing;
  /** Live streams of a room (messages, events, typing), each authorized and watched in one call. */
  readonly streams: LiveStreams;
  private readonly writer: MessageWriter;

  constructor(deps: ChatDeps, readonly options: ChatOptions = defaultChatOptions) {
    const core: CoreDeps = { ...deps, clock: deps.clock ?? systemClock };
    const rules = new RoomAccess(core.repository);
    this.limits = options.limits;
    this.writer = new MessageWriter(core);
    // Every live stream of this instance listens through one hub: one bus subscription per topic.
    this.streams = new LiveStreams({ ...core, rules, topics: new TopicHub(core.bus, core.logger) }, options);
    this.sessions = new Sessions(core, options);
    this.users = new Users(core, options.limits);
    this.membership = new Membership(core, rules, this.writer, this.streams);
    this.rooms = new Rooms(core, options.limits, rules, this.membership);
    this.messages = new Messages(core, options.limits, rules, this.writer);
    this.edits = new MessageEdits(core, options.limits, rules, this.writer, options.edits);
    this.reactions = new Reactions(core, options.limits, rules, this.writer);
    this.typing = new Typing(core, rules);
  }

  /** Resolves once every message write under way (sends, edits, deletes, reactions) has finished (for a graceful shutdown). */
  drain(): Promise<void> {
    return this.writer.drain();
  }
}
