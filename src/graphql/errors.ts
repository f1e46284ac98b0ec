// The one place where errors become what clients see: domain errors to the contract's codes,
// everything unexpected masked (its details go to the log, never to the client).
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ChatError, type ChatErrorCode } from '../core/errors.js';

/**
 * True for GraphQL errors from any copy of the graphql package: a bundler may load a second
 * copy next to the one yoga uses, and `instanceof` would then miss them.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/** The codes the public contract promises; anything else a client sees is mapped onto them. */
const CONTRACT_CODES = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'UNAVAILABLE',
] satisfies ChatErrorCode[]);

/** The error a resolver actually threw, under any GraphQLError wrappers. */
export function originalError(error: unknown): unknown {
  let current = error;
  while (isGraphQLError(current) && current.originalError) current = current.originalError;
  return current;
}

/** True for errors nobody planned: bugs and unmapped failures, which must be logged and masked. */
export function isUnexpected(error: unknown): boolean {
  const original = originalError(error);
  return !(original instanceof ChatError) && !isGraphQLError(original);
}

/** What the client sees for `error`. */
export function toClientError(error: unknown): GraphQLError {
  const graphQLError = isGraphQLError(error) ? error : null;
  const where = { nodes: graphQLError?.nodes, path: graphQLError?.path };
  const original = originalError(error);
  if (original instanceof ChatError) {
    return new GraphQLError(original.message, { ...where, extensions: { ...original.details, code: original.code } });
  }
  if (isGraphQLError(original)) {
    // Parse, validation and input-coercion errors: their text is about the client's own document.
    // yoga attaches the parser's own error as `originalError`: internal detail, never shown.
    const { originalError: _internal, code, ...extensions } = original.extensions ?? {};
    // Parse, validation and transport errors are the client's input too; their own code stays as `reason`.
    const contractCode = CONTRACT_CODES.has(code as string) ? code : 'BAD_USER_INPUT';
    const reason = code === undefined || code === contractCode ? {} : { reason: code };
    return new GraphQLError(original.message, {
      ...where,
      nodes: where.nodes ?? original.nodes,
      source: original.source,
      positions: original.positions,
      extensions: { ...extensions, ...reason, code: contractCode },
    });
  }
  return new GraphQLError('Unexpected error.', { ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * The error as a WebSocket client sees it: without `extensions.http`, which yoga reads (and
 * removes) to pick an HTTP status and which means nothing on a socket.
 */
export function toSocketError(error: unknown): GraphQLError {
  const clientError = toClientError(error);
  if (!clientError.extensions.http) return clientError;
  const { http: _http, ...extensions } = clientError.extensions;
  return new GraphQLError(clientError.message, {
    nodes: clientError.nodes,
    source: clientError.source,
    positions: clientError.positions,
    path: clientError.path,
    extensions,
  });
}

/**
 * Maps parse and validation errors too (yoga reports them without `maskError`), so every
 * error a client sees carries a contract code, on every transport.
 */
export function useContractErrorCodes(): Plugin {
  return {
    onParse: () => ({ result, replaceParseResult }) => {
      if (result instanceof Error) replaceParseResult(toClientError(result));
    },
    onValidate: () => ({ result, setResult }) => {
      if (result.length > 0) setResult(result.map(toClientError));
    },
  };
}
