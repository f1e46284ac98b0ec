// Opening a room's live streams: the access check, the stream and the watch on that access in
// one place, so that every live stream ends as soon as its viewer may no longer watch it.
import type { Clock } from '../clock.js';
import { AccessWatch, type StreamAccess } from './access-watch.js';
import { parseMessageCursor } from '../cursor.js';
import { Forbidden, InvalidInput, Unauthenticated } from '../errors.js';
import { requireKeptAfter } from '../history-horizon.js';
import { requireGapTimeoutPastInsertDeadline, roomMessageStream, type MessageStreamOptions } from './message-stream.js';
import type { AccessChange, Message, Room, RoomId, User } from '../model.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { Repository } from '../ports/repository.js';
import type { RoomAccess } from '../room-access.js';
import type { StreamDeps } from './ordered-room-stream.js';
import { roomTimelineEventStream, type TimelineEvent } from './timeline-event-stream.js';
import type { TopicHub } from './topic-hub.js';
import { roomTypingStream, type TypingSignal, type TypingStreamOptions } from './typing-stream.js';

/** One of the streams over a room's log (messageAdded, roomEvents), opened after its checks. */
type RoomLogStream<T> = (
  deps: StreamDeps,
  roomId: RoomId,
  afterSeq: number | null,
  options: MessageStreamOptions,
  access: StreamAccess,
) => AsyncIterableIterator<T>;

export interface LiveStreamDeps {
  readonly clock: Clock;
  readonly repository: Repository;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly rules: RoomAccess;
  /** The instance's one hub, shared with any other live feed so that each topic has one bus subscription. */
  readonly topics: TopicHub;
}

export class LiveStreams {
  private readonly watch: AccessWatch;

  constructor(
    private readonly deps: LiveStreamDeps,
    private readonly options: { readonly stream: MessageStreamOptions; readonly typing: TypingStreamOptions },
  ) {
    requireGapTimeoutPastInsertDeadline(options.stream, deps.repository);
    this.watch = new AccessWatch(deps.bus, deps.topics, deps.logger);
  }

  /** Tells every instance's streams that access changed, so they re-check it. */
  announce(change: Omit<AccessChange, 'type'>): Promise<void> {
    return this.watch.announce(change);
  }

  /**
   * The room's messages after `after` (or from now on), then live: ordered, no gaps, no repeats.
   * Ends with FORBIDDEN (NOT_FOUND for a room that is gone) once the viewer may no longer read it,
   * or, for a stream opened by a member, once that membership ends.
   */
  messages(viewer: User | null, roomId: RoomId, after: string | null | undefined): Promise<AsyncIterableIterator<Message>> {
    return this.roomLog(viewer, roomId, after, roomMessageStream);
  }

  /**
   * Every change of the room after `after` (or from now on) as an event: new messages, edits,
   * deletes and changes of reactions, ordered, no gaps, no repeats. Who may open it, and when
   * it ends, as for `messages`.
   */
  events(viewer: User | null, roomId: RoomId, after: string | null | undefined): Promise<AsyncIterableIterator<TimelineEvent>> {
    return this.roomLog(viewer, roomId, after, roomTimelineEventStream);
  }

  /** A stream over the room's log, opened with the reader's access check and the watch on it. */
  private async roomLog<T>(
    viewer: User | null,
    roomId: RoomId,
    after: string | null | undefined,
    stream: RoomLogStream<T>,
  ): Promise<AsyncIterableIterator<T>> {
    const afterSeq = parseAfter(after);
    const { repository, topics, clock } = this.deps;
    // A stream a member opened belongs to that membership and ends with it, in a PUBLIC room
    // too (API.md, "Access ends at once"); one opened by a reader who never joined reads on.
    let openedAsMember: boolean | null = null;
    return this.guarded(
      viewer,
      roomId,
      async () => {
        const room = await this.readable(viewer, roomId);
        if (room.kind === 'DIRECT' || !viewer) return room;
        const member = await this.deps.repository.isMember(room.id, viewer.id);
        openedAsMember ??= member;
        if (openedAsMember && !member) throw new Forbidden();
        return room;
      },
      async (room, access) => {
        if (afterSeq !== null) await this.checkResumePoint(room, afterSeq);
        return stream({ repository, topics, clock }, room.id, afterSeq, this.options.stream, access);
      },
    );
  }

  /**
   * The other members' typing signals as they happen, with a "stopped" for any that was not
   * renewed in time. Members only: ends with FORBIDDEN once the viewer is not one.
   */
  async typing(viewer: User | null, roomId: RoomId): Promise<AsyncIterableIterator<TypingSignal>> {
    if (!viewer) throw new Unauthenticated();
    return this.guarded(
      viewer,
      roomId,
      async () => {
        const room = await this.deps.rules.requireRoom(roomId);
        await this.deps.rules.requireMember(room, viewer);
        return room;
      },
      (room, access) => roomTypingStream(this.deps.topics, room.id, viewer.id, this.options.typing, access),
    );
  }

  /**
   * Watches the viewer's access first, then checks it and opens the stream: a change in between
   * still reaches the stream. `check` is also what the stream re-runs when access may have changed.
   */
  private async guarded<T>(
    viewer: User | null,
    roomId: RoomId,
    check: () => Promise<Room>,
    open: (room: Room, access: StreamAccess) => Promise<T>,
  ): Promise<T> {
    const access = await this.watch.open(viewer?.id ?? null, roomId, async () => void (await check()));
    try {
      return await open(await check(), access);
    } catch (error) {
      access.release();
      throw error;
    }
  }

  private async readable(viewer: User | null, roomId: RoomId): Promise<Room> {
    const room = await this.deps.rules.requireRoom(roomId);
    await this.deps.rules.requireReader(room, viewer);
    return room;
  }

  /** A resume cursor must name a point of this room's history that a bounded replay can reach. */
  private async checkResumePoint(room: Room, afterSeq: number): Promise<void> {
    const { maxReplay } = this.options.stream;
    // lastSeq is a hint that may trail the newest entry of the log for a moment: confirm before refusing.
    const newest = afterSeq > room.lastSeq ? await this.deps.repository.lastTimelineSeq(room.id) : room.lastSeq;
    if (afterSeq > newest) {
      throw new InvalidInput('"after" is not a cursor of this room\'s history.', 'after');
    }
    await requireKeptAfter(this.deps.repository, room.id, afterSeq);
    if (newest - afterSeq > maxReplay) {
      throw new InvalidInput(
        `"after" is more than ${maxReplay} messages behind: read the history with ` +
          '`messages(after:)` page by page, then subscribe after the newest cursor.',
        'after',
      );
    }
  }
}

function parseAfter(after: string | null | undefined): number | null {
  return after === null || after === undefined ? null : parseMessageCursor(after, 'after');
}
