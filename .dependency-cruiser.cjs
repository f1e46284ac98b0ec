// The layering of src/ (README, "Architecture"), checked in CI by `npm run deps:check`.
// core is the chat itself; adapters implement its ports; graphql and transport serve it;
// only app.ts wires adapters into the rest.
const CORE = '^src/core/';
const ADAPTERS = '^src/adapters/';
const GRAPHQL = '^src/graphql/';
const TRANSPORT = '^src/(transport/|server[.]ts$)';
/** Libraries that belong to a technology, never to the chat's own rules. */
const TECHNOLOGY_PACKAGES =
  '(^|/)node_modules/(graphql|graphql-yoga|@graphql-yoga/[^/]+|@pothos/[^/]+|graphql-ws|ws|mongodb|ioredis|graphql-redis-subscriptions|pino)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment: 'core is independent of every adapter, of GraphQL and of the transport.',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^src/', pathNot: CORE },
    },
    {
      name: 'core-uses-no-technology',
      comment: 'core talks to databases, buses and GraphQL only through its ports.',
      severity: 'error',
      from: { path: CORE },
      to: { path: TECHNOLOGY_PACKAGES },
    },
    {
      name: 'adapters-serve-only-core',
      comment: 'an adapter implements a port of core; it knows nothing of GraphQL or HTTP.',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: `${GRAPHQL}|${TRANSPORT}|^src/app[.]ts$` },
    },
    {
      name: 'graphql-never-imports-adapters',
      comment: 'the schema works on any backend: it sees the ports, never an adapter.',
      severity: 'error',
      from: { path: GRAPHQL },
      to: { path: `${ADAPTERS}|${TRANSPORT}` },
    },
    {
      name: 'only-app-wires-adapters',
      comment: 'app.ts chooses the backends; nothing else in src/ names an adapter.',
      severity: 'error',
      from: { path: '^src/', pathNot: `${ADAPTERS}|^src/app[.]ts$` },
      to: { path: ADAPTERS },
    },
    {
      name: 'no-circular',
      comment:
        'a runtime cycle makes the load order fragile. Types may refer to each other; so may ' +
        'the GraphQL object types (room <-> message), whose Pothos refs resolve lazily.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/graphql/types/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
