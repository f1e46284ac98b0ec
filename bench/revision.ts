// Names the code under test: the commit, and whether src/ had uncommitted changes when the run began.
import { execFileSync } from 'node:child_process';
import { ROOT } from '../support/server-process.js';

export function describeRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const commit = git('log', '-1', '--format=%h %cI');
    const dirty = git('status', '--porcelain', '--', 'src').length > 0;
    return `code under test: ${commit}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'code under test: unknown revision (not a git checkout)';
  }
}
