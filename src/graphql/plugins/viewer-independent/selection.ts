// Whether an operation's result is the same for every viewer: shared only when every field it
// selects below the root (through fragments, nested and abstract types) is marked
// viewer-independent and none is rate-limited (a limit is charged to whoever runs it); shared
// with viewer leaves when the only other fields are marked viewer leaves (scalars whose value
// is each viewer's own, computed per subscriber on top of the shared result).
// Anything unmarked counts as viewer-dependent, so a forgotten mark costs sharing, never
// privacy. The root field is left out: it is authorized and limited per subscriber when the
// subscription starts.
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Field extension set on viewer-independent fields. */
export const VIEWER_INDEPENDENT = 'viewerIndependent';
/** Field extension set on viewer leaves. */
export const VIEWER_LEAF = 'viewerLeaf';

/**
 * How an operation's results may be shared between subscribers: `shared` (one result for all),
 * `viewer-leaves` (one result for all, with each subscriber's own viewer leaves put in), `own`
 * (each subscriber executes it).
 */
export type SelectionSharing = 'shared' | 'viewer-leaves' | 'own';

/** Answers per document, by operation name: a subscription's document is classified once. */
const classified = new WeakMap<DocumentNode, Map<string | null, SelectionSharing>>();

export function selectionSharing(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): SelectionSharing {
  let byOperation = classified.get(document);
  if (!byOperation) classified.set(document, (byOperation = new Map()));
  const name = operationName ?? null;
  let answer = byOperation.get(name);
  if (answer === undefined) byOperation.set(name, (answer = classify(schema, document, name)));
  return answer;
}

export function isViewerIndependentSelection(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): boolean {
  return selectionSharing(schema, document, operationName) === 'shared';
}

function classify(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): SelectionSharing {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName === null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return 'own';
  const walk = new Walk(schema, fragments);
  if (!walk.independent(root, operation.selectionSet, true)) return 'own';
  return walk.metViewerLeaf ? 'viewer-leaves' : 'shared';
}

/** One classification's walk; remembers the selection sets it has seen on each type. */
class Walk {
  private readonly seen = new Map<SelectionSetNode, Map<string, boolean>>();
  /** Set once the walk met a viewer leaf that it let through. */
  metViewerLeaf = false;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  independent(type: GraphQLCompositeType, selectionSet: SelectionSetNode, atRoot: boolean): boolean {
    let byType = this.seen.get(selectionSet);
    if (!byType) this.seen.set(selectionSet, (byType = new Map()));
    let answer = byType.get(type.name);
    if (answer === undefined) byType.set(type.name, (answer = this.walk(type, selectionSet, atRoot)));
    return answer;
  }

  private walk(type: GraphQLCompositeType, selectionSet: SelectionSetNode, atRoot: boolean): boolean {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        // The name of the object's type: the same for everyone.
        if (selection.name.value === '__typename') continue;
        // On an interface or union, each possible type's own field (its own resolver) must qualify.
        for (const concrete of this.possibleTypes(type)) {
          const field = concrete.getFields()[selection.name.value];
          if (!field) return false;
          if (!atRoot && !isMarkedIndependent(field)) {
            if (!isViewerLeaf(field) || selection.selectionSet) return false;
            this.metViewerLeaf = true;
            continue;
          }
          if (!selection.selectionSet) continue;
          const child = getNamedType(field.type);
          if (!isCompositeType(child) || !this.independent(child, selection.selectionSet, false)) return false;
        }
      } else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments.get(selection.name.value) : selection;
        if (!fragment) return false;
        const condition = fragment.typeCondition ? this.schema.getType(fragment.typeCondition.name.value) : type;
        if (!condition || !isCompositeType(condition) || !this.independent(condition, fragment.selectionSet, atRoot)) return false;
      }
    }
    return true;
  }

  private possibleTypes(type: GraphQLCompositeType): readonly GraphQLObjectType[] {
    return isAbstractType(type) ? this.schema.getPossibleTypes(type) : [type];
  }
}

function isMarkedIndependent(field: GraphQLField<unknown, unknown>): boolean {
  return field.extensions[VIEWER_INDEPENDENT] === true && !field.extensions.rateLimit;
}

function isViewerLeaf(field: GraphQLField<unknown, unknown>): boolean {
  return field.extensions[VIEWER_LEAF] === true && !field.extensions.rateLimit;
}
