// GraphQL Code Generator: typed documents for the operations in test/operations, generated
// from the checked-in SDL into test/gql (checked in too). `npm run codegen` regenerates them.
import type { CodegenConfig } from '@graphql-codegen/cli';

/** One trailing newline, LF line endings: reruns and editors leave the checked-in output alone. */
function normalizeEnding(_path: string, content: string): string {
  return `${content.replace(/\r\n/g, '\n').trimEnd()}\n`;
}

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/operations/*.graphql'],
  generates: {
    'test/gql/': {
      preset: 'client',
      presetConfig: {
        // Tests read fragment fields directly; no unmasking helper needed.
        fragmentMasking: false,
      },
      config: {
        // Operation types only carry what travels on the wire: JSON strings.
        scalars: { DateTime: 'string', ID: 'string' },
        strictScalars: true,
        // Enums as string unions: nothing to emit at runtime, erasable under verbatimModuleSyntax.
        enumType: 'string-literal',
        useTypeImports: true,
        // NodeNext ESM: relative imports need the .js extension.
        importExtension: '.js',
      },
    },
  },
  hooks: { beforeOneFileWrite: [normalizeEnding] },
};

export default config;
