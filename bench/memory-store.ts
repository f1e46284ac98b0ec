// The embedded store under MEMORY_MAX_MESSAGES: heap held at the bound, heap after twice as
// many more inserts (it must stay flat), and the cost of an insert below and at the bound.
//   node --expose-gc --import tsx bench/memory-store.ts [maxMessages=1000000] [rooms=1000]
import { MemoryRepository } from '../src/adapters/memory/memory-repository.js';
import { newId } from '../src/core/ids.js';
import type { Message, RoomId } from '../src/core/model.js';
import { UNTOUCHED_MESSAGE } from '../src/core/model.js';

const maxMessages = Number(process.argv[2] ?? 1_000_000);
const roomCount = Number(process.argv[3] ?? 1000);
const TEXT = 'x'.repeat(100);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function main(): Promise<void> {
  const baseline = heapAfterGc();
  const repository = new MemoryRepository({ maxMessages });
  const rooms: RoomId[] = [];
  for (let i = 0; i < roomCount; i++) {
    const id = newId('room');
    rooms.push(id);
    await repository.createRoom({ id, name: `room ${i}`, kind: 'PUBLIC', createdAt: new Date(), lastSeq: 0, directKey: null });
  }
  const authorId = newId('user');
  const insert = async (i: number) => {
    const roomId = rooms[i % roomCount]!;
    const seq = (await repository.allocateSeq(roomId))!;
    const message: Message = {
      id: newId('message'),
      roomId,
      seq,
      authorId,
      subjectId: null,
      kind: 'CHAT',
      text: TEXT,
      encrypted: false,
      sentAt: new Date(),
      clientMessageId: `c-${i}`,
      ...UNTOUCHED_MESSAGE,
    };
    await repository.insertMessage(message);
  };
  const timed = async (from: number, count: number) => {
    const started = process.hrtime.bigint();
    for (let i = from; i < from + count; i++) await insert(i);
    return Number(process.hrtime.bigint() - started) / 1000 / count;
  };

  const belowBound = await timed(0, maxMessages);
  const atBound = heapAfterGc() - baseline;
  const whileDropping = await timed(maxMessages, 2 * maxMessages);
  const afterMore = heapAfterGc() - baseline;
  const rss = process.memoryUsage().rss;

  console.log(`MEMORY_MAX_MESSAGES=${maxMessages}, ${roomCount} rooms, ${TEXT.length}-character texts with a clientMessageId`);
  console.log(`heap held at the bound:           ${mb(atBound)} (${Math.round(atBound / maxMessages)} B per message)`);
  console.log(`heap after 2x the bound more:     ${mb(afterMore)} (flat: ${(afterMore / atBound).toFixed(2)}x)`);
  console.log(`process RSS at the end:           ${mb(rss)}`);
  console.log(`insert below the bound:           ${belowBound.toFixed(1)} µs`);
  console.log(`insert at the bound (dropping):   ${whileDropping.toFixed(1)} µs`);
}

await main();
