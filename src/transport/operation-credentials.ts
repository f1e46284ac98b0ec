// Picks the credentials one WebSocket operation runs with. GraphiQL sends an empty
// connection_init and puts its Headers tab in each subscribe message's `extensions.headers`,
// so a header there wins over the connection's params. Names match in any letter case, as
// HTTP header names do.

/** Raw credential values as the client sent them; `undefined` when absent. Checked by the context. */
export interface Credentials {
  /** The `Authorization` value, "Bearer <token>" (anything else is refused, not ignored). */
  readonly authorization: unknown;
  /** The admin token. */
  readonly adminToken: unknown;
}

/** The connection's credentials: `connectionParams.authorization` and `adminToken`, any case. */
export function connectionCredentials(params: Readonly<Record<string, unknown>> | null | undefined): Credentials {
  return {
    authorization: valueOf(params, 'authorization'),
    adminToken: valueOf(params, 'admintoken'),
  };
}

/**
 * One operation's credentials: each of `extensions.headers.Authorization` and
 * `x-admin-token` (any case) when the subscribe message carries it, else the connection's.
 */
export function operationCredentials(extensions: unknown, connection: Credentials): Credentials {
  const headers = isRecord(extensions) && isRecord(extensions.headers) ? extensions.headers : undefined;
  return {
    authorization: valueOf(headers, 'authorization') ?? connection.authorization,
    adminToken: valueOf(headers, 'x-admin-token') ?? connection.adminToken,
  };
}

/** The value of `lowerCaseName` in `record` under any letter case; null counts as absent. */
function valueOf(record: Readonly<Record<string, unknown>> | null | undefined, lowerCaseName: string): unknown {
  if (!record) return undefined;
  for (const [name, value] of Object.entries(record)) {
    if (name.toLowerCase() === lowerCaseName && value !== null && value !== undefined) return value;
  }
  return undefined;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
