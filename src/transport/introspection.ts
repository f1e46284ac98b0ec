// Introspection control: with introspection off, a query of __schema or __type is refused on
// every transport (yoga's own plugin only sees HTTP requests; WebSocket operations do not pass
// through it).
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Refuses introspection in validation, wherever the operation came from. */
export function useNoIntrospection(): Plugin {
  return {
    onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
  };
}
