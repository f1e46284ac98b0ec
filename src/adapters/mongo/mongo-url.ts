// The database part of a mongodb:// URL. WHATWG URL cannot parse these (they may list many
// hosts), so the path is found by pattern.
const PREFIX_AND_PATH = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/([^?]*))?/;

/** The database a mongodb:// or mongodb+srv:// URL names, or null when it names none. */
export function databaseInUrl(url: string): string | null {
  const path = PREFIX_AND_PATH.exec(url)?.[2];
  return path ? decodeURIComponent(path) : null;
}

/** `url` with its database replaced by `database` (options after `?` are kept). */
export function withDatabase(url: string, database: string): string {
  return url.replace(PREFIX_AND_PATH, `$1/${encodeURIComponent(database)}`);
}
