// The signed-in user a use case acts for; anonymous callers get UNAUTHENTICATED where one is needed.
import { Unauthenticated } from '../errors.js';
import type { User } from '../model.js';

export function requireViewer(viewer: User | null): User {
  if (!viewer) throw new Unauthenticated();
  return viewer;
}
