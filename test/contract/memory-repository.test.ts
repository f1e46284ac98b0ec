// The Repository contract on the embedded memory adapter.
import { MemoryRepository } from '../../src/adapters/memory/memory-repository.js';
import { describeRepositoryContract } from './repository.contract.js';

describeRepositoryContract('MemoryRepository', async () => {
  const repository = new MemoryRepository();
  return { repository, dispose: () => repository.close() };
});
