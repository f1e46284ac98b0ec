// What every use case is built from: the ports, the logger and the clock.
import type { Clock } from '../clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { Presence } from '../ports/presence.js';
import type { Repository } from '../ports/repository.js';

export interface CoreDeps {
  readonly repository: Repository;
  readonly bus: EventBus;
  readonly presence: Presence;
  readonly logger: Logger;
  readonly clock: Clock;
}
