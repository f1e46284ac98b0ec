// Micro-batches one process's inserts into a collection: while an insert is under way, later
// ones queue, and the next round writes all of them in one unordered insertMany. Each caller
// hears only once the write that carried its document was acknowledged, and of its own document.
import { MongoBulkWriteError, type BulkWriteOptions, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';
import { Unavailable } from '../../core/errors.js';
import { Coalescer, type Outcome } from './coalescer.js';
import { translateWriteError } from './mongo-errors.js';

/** Documents per insertMany: keeps one round's size and duration bounded. */
const maxBatch = 256;

const stored: Outcome<void> = { ok: true, value: undefined };

export interface InsertBatcherOptions extends BulkWriteOptions {
  /**
   * Longest wait in the queue for a round to start. A document still waiting then is never
   * written and its caller gets `Unavailable`, so an insert lands within this plus one
   * round's own deadline, or never: readers that skip a hole after a deadline rely on it.
   */
  readonly queueTimeoutMs: number;
}

interface Queued<TDoc> {
  readonly doc: OptionalUnlessRequiredId<TDoc>;
  readonly queuedAt: number;
}

export class InsertBatcher<TDoc extends Document> {
  private readonly rounds: Coalescer<string, Queued<TDoc>, void>;
  private readonly writeOptions: BulkWriteOptions;
  private readonly queueTimeoutMs: number;

  /** Writes to `collection` with `options` (deadlines); `ordered` is always false. */
  constructor(
    private readonly collection: Collection<TDoc>,
    { queueTimeoutMs, ...writeOptions }: InsertBatcherOptions,
  ) {
    this.queueTimeoutMs = queueTimeoutMs;
    this.writeOptions = { ...writeOptions, ordered: false };
    this.rounds = new Coalescer((_name, queued) => this.round(queued), maxBatch);
  }

  /**
   * Resolves once `doc` is stored. Rejects with the core error for this document when the
   * server refused it alone (a `Conflict` for a taken unique key), with `Unavailable` when it
   * waited too long for its round, or with the driver's error when the whole write failed.
   */
  insert(doc: OptionalUnlessRequiredId<TDoc>): Promise<void> {
    return this.rounds.submit(this.collection.collectionName, { doc, queuedAt: performance.now() });
  }

  private async round(queued: readonly Queued<TDoc>[]): Promise<Outcome<void>[]> {
    const startedAt = performance.now();
    const late = (entry: Queued<TDoc>) => startedAt - entry.queuedAt > this.queueTimeoutMs;
    const timely = queued.filter((entry) => !late(entry));
    const written = await this.insertAll(timely.map((entry) => entry.doc)).catch((error: unknown) =>
      timely.map((): Outcome<void> => ({ ok: false, error })),
    );
    let next = 0;
    return queued.map((entry) => (late(entry) ? tooLate(startedAt - entry.queuedAt) : written[next++]!));
  }

  private async insertAll(docs: OptionalUnlessRequiredId<TDoc>[]): Promise<Outcome<void>[]> {
    if (docs.length === 0) return [];
    try {
      await this.collection.insertMany(docs, this.writeOptions);
      return docs.map(() => stored);
    } catch (error) {
      return outcomesOfRefusal(error, docs.length, this.collection.collectionName);
    }
  }
}

function tooLate(waitedMs: number): Outcome<void> {
  const cause = new Error(`waited ${Math.round(waitedMs)} ms for an insert round; not written`);
  return { ok: false, error: new Unavailable('database', { cause }) };
}

/**
 * One outcome per document of an unordered insertMany that threw `error`. Unordered, the server
 * tries every document and names each one it refused by index; the others are stored. Throws
 * when the write failed as a whole (network, timeout, write concern).
 */
function outcomesOfRefusal(error: unknown, count: number, collection: string): Outcome<void>[] {
  if (!(error instanceof MongoBulkWriteError)) throw error;
  const refused = new Map([error.writeErrors].flat().map((writeError) => [writeError.index, writeError]));
  if (refused.size === 0) throw error;
  // Tell no caller "stored" unless the server's own count says every other document was.
  if (error.insertedCount !== count - refused.size) {
    throw new Error(`${collection}: ${error.insertedCount} of ${count} stored with ${refused.size} refused`, { cause: error });
  }
  return Array.from({ length: count }, (_, index) => {
    const writeError = refused.get(index);
    return writeError ? { ok: false, error: translateWriteError(writeError, collection) } : stored;
  });
}
