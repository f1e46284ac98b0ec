// A Chat on the embedded adapters, as the unit tests build it; any part can be given instead.
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { MemoryPresence } from '../../src/adapters/memory/memory-presence.js';
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { Chat, defaultChatOptions, type ChatOptions } from '../../src/core/chat.js';
import type { Clock } from '../../src/core/clock.js';
import type { EventBus } from '../../src/core/ports/event-bus.js';
import type { Repository } from '../../src/core/ports/repository.js';
import { silentLogger } from './silent-logger.js';

export interface MemoryChatParts {
  /** @default a fresh MemoryRepository */
  readonly repository?: Repository;
  /** @default a fresh MemoryEventBus (a LossyEventBus around one, for fault tests) */
  readonly bus?: EventBus;
  /** The chat's clock. @default the system clock */
  readonly clock?: Clock;
  /** @default defaultChatOptions */
  readonly options?: ChatOptions;
}

export interface MemoryChat {
  readonly chat: Chat;
  readonly repository: Repository;
  readonly bus: EventBus;
  readonly presence: MemoryPresence;
}

export function memoryChat(parts: MemoryChatParts = {}): MemoryChat {
  const repository = parts.repository ?? new MemoryRepository();
  const bus = parts.bus ?? new MemoryEventBus();
  const presence = new MemoryPresence();
  const chat = new Chat({ repository, bus, presence, logger: silentLogger, clock: parts.clock }, parts.options ?? defaultChatOptions);
  return { chat, repository, bus, presence };
}
