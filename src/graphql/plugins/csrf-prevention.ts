// CSRF prevention for browsers: a cross-site page can send a "simple" POST (form or text/plain
// body) without a CORS preflight, so such POSTs must carry a custom header a form cannot set.
// GET stays open: it only runs queries and subscriptions (yoga refuses mutations over GET),
// and EventSource subscriptions cannot set headers.
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Header that marks a non-JSON POST as sent on purpose by a client, not by a cross-site form. */
export const CSRF_HEADER = 'x-graphql-csrf';

export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
      const simple = contentType === '' || SIMPLE_CONTENT_TYPES.some((type) => contentType.startsWith(type));
      if (simple && !request.headers.has(CSRF_HEADER)) {
        throw createGraphQLError(`A POST without a JSON body needs the "${CSRF_HEADER}" header.`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 403 } },
        });
      }
    },
  };
}
