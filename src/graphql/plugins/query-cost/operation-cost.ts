// What an operation costs: every field it selects counts 1 each time it may be resolved, so a
// field inside a list counts once per item, at the page size the client asked for. A list's
// size is its own `first`/`last` (a literal, a variable or the argument's default), the page
// size of the connection it is the `edges` of, or an assumed size for lists without paging.
import {
  getNamedType,
  getOperationAST,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface ListSizes {
  /** Page size of a `first`/`last` field when the client gives neither and the schema has no default. */
  readonly defaultPageSize: number;
  /** Assumed size of lists without `first`/`last`, by "Type.field" (e.g. "Message.reactions"). */
  readonly assumed: Readonly<Record<string, number>>;
  /** Assumed size of any other list without `first`/`last`. */
  readonly otherLists: number;
}

export interface CostedOperation {
  readonly document: DocumentNode;
  readonly operationName?: string | null;
  readonly variableValues?: Readonly<Record<string, unknown>> | null;
}

const PAGE_ARGUMENTS = ['first', 'last'];
/** Introspection reads the schema, bounded by its size; root fields only, so an alias cannot pass for one. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** The cost of the operation that will run; 0 when the document names none (execution reports that). */
export function operationCost(schema: GraphQLSchema, operation: CostedOperation, sizes: ListSizes): number {
  const chosen = getOperationAST(operation.document, operation.operationName);
  const root = chosen && schema.getRootType(chosen.operation);
  if (!chosen || !root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of operation.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variables = new Variables(chosen, operation.variableValues ?? {});
  return new Costing(schema, fragments, variables, sizes).selectionCost(root, chosen.selectionSet, null, true);
}

/** The operation's variables as given, else as defaulted in the operation. */
class Variables {
  private readonly defaults = new Map<string, unknown>();

  constructor(
    operation: OperationDefinitionNode,
    private readonly given: Readonly<Record<string, unknown>>,
  ) {
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue) this.defaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
    }
  }

  value(node: ValueNode): unknown {
    if (node.kind !== Kind.VARIABLE) return valueFromASTUntyped(node);
    const name = node.name.value;
    return Object.hasOwn(this.given, name) ? this.given[name] : this.defaults.get(name);
  }
}

/** One operation's costing; remembers the cost of each selection set it has seen, per type and page size. */
class Costing {
  private readonly seen = new Map<SelectionSetNode, Map<string, number>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Variables,
    private readonly sizes: ListSizes,
  ) {}

  /**
   * The cost of `selectionSet` on one object of `type`. `pageSize` is the page size of the
   * connection the object is, which its lists (`edges`) take.
   */
  selectionCost(type: GraphQLCompositeType, selectionSet: SelectionSetNode, pageSize: number | null, atRoot = false): number {
    // Fragments spread many times cost one walk each, not one per spread.
    let byType = this.seen.get(selectionSet);
    if (!byType) this.seen.set(selectionSet, (byType = new Map()));
    const key = `${type.name}:${pageSize}:${atRoot}`;
    let cost = byType.get(key);
    if (cost === undefined) byType.set(key, (cost = this.walk(type, selectionSet, pageSize, atRoot)));
    return cost;
  }

  private walk(type: GraphQLCompositeType, selectionSet: SelectionSetNode, pageSize: number | null, atRoot: boolean): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (atRoot && INTROSPECTION_FIELDS.has(selection.name.value)) continue;
        cost += this.fieldCost(type, selection, pageSize);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? this.schema.getType(fragment.typeCondition.name.value) : type;
        if (!isCompositeType(condition)) continue;
        cost += this.selectionCost(condition, fragment.selectionSet, pageSize, atRoot);
      }
    }
    return cost;
  }

  private fieldCost(parent: GraphQLCompositeType, node: FieldNode, parentPageSize: number | null): number {
    // Unions have no fields of their own but __typename; an unknown field fails validation anyway.
    const field = 'getFields' in parent ? parent.getFields()[node.name.value] : undefined;
    if (!field || !node.selectionSet) return 1;
    const child = getNamedType(field.type);
    if (!isCompositeType(child)) return 1;
    const pageSize = this.pageSize(field, node);
    if (!isListType(getNullableType(field.type))) return 1 + this.selectionCost(child, node.selectionSet, pageSize);
    const items = pageSize ?? parentPageSize ?? this.sizes.assumed[`${parent.name}.${field.name}`] ?? this.sizes.otherLists;
    return 1 + items * this.selectionCost(child, node.selectionSet, null);
  }

  /** The larger of `first` and `last` as the client gave them or as defaulted; null for fields without paging. */
  private pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode): number | null {
    const paging = field.args.filter((arg) => PAGE_ARGUMENTS.includes(arg.name));
    if (paging.length === 0) return null;
    let size: number | null = null;
    for (const arg of paging) {
      const given = node.arguments?.find((argument) => argument.name.value === arg.name);
      const value = given ? this.variables.value(given.value) : arg.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, value);
    }
    return size ?? this.sizes.defaultPageSize;
  }
}
