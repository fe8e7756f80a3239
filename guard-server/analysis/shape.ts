// What the guard may tell cloud-lite about a call's arguments: their SHAPE, never a value. Every
// scalar becomes its type name; object keys are kept only when they look like schema names
// (a key can be data: a map keyed by email or id), GraphQL inline literals become their kind.
// Bounded in depth, width and array length so a hostile body cannot make a large request.
import type { ArgumentNode, DocumentNode, SelectionSetNode, ValueNode } from 'graphql/language/ast.js';
import { Kind } from 'graphql/language/kinds.js';
import { parse } from 'graphql/language/parser.js';
import { ANALYZE_MAX_FIELDS } from '../../core/protocol/analyze.ts';
import { scrubText } from '../../core/scrub/scrubber.ts';

const MAX_DEPTH = 6;
const MAX_KEYS = 40;
/** Distinct element shapes kept per array (an array of 1,000 equal objects is one shape). */
const MAX_ARRAY_SHAPES = 3;
/** A key that may be a field name; anything else is replaced by this. */
export const OPAQUE_KEY = '<key>';
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A key kept when it looks like a schema name; otherwise OPAQUE_KEY (a key can be data). */
export function keyName(key: string): string {
  return NAME.test(key) && scrubText(key) === key ? key : OPAQUE_KEY;
}

/** The JSON value's shape: objects and arrays kept (bounded), every scalar replaced by its type name. */
export function argumentShape(value: unknown, depth = 0): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return 'array';
    const shapes: unknown[] = [];
    const seen = new Set<string>();
    for (const item of value) {
      const s = argumentShape(item, depth + 1);
      const k = JSON.stringify(s);
      if (seen.has(k)) continue;
      seen.add(k);
      shapes.push(s);
      if (shapes.length >= MAX_ARRAY_SHAPES) break;
    }
    return shapes;
  }
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    case 'object': {
      if (depth >= MAX_DEPTH) return 'object';
      const out: Record<string, unknown> = {};
      let n = 0;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (n++ >= MAX_KEYS) {
          out['<more>'] = 'omitted';
          break;
        }
        const name = keyName(k);
        // Two opaque keys collapse into one entry: their values' shapes are what matters.
        if (name === OPAQUE_KEY && name in out) continue;
        out[name] = argumentShape(v, depth + 1);
      }
      return out;
    }
    default:
      return typeof value;
  }
}

function literalShape(node: ValueNode, depth: number): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return 'variable';
    case Kind.INT:
      return 'integer';
    case Kind.FLOAT:
      return 'number';
    case Kind.STRING:
      return 'string';
    case Kind.BOOLEAN:
      return 'boolean';
    case Kind.NULL:
      return 'null';
    // An enum value is a schema name, but it can still select what happens (status: ARCHIVED):
    // only its kind leaves the guard, like every other literal.
    case Kind.ENUM:
      return 'enum';
    case Kind.LIST:
      return depth >= MAX_DEPTH
        ? 'list'
        : argumentsOf(
            node.values.map((v) => ['', v] as const),
            depth + 1,
            true,
          );
    case Kind.OBJECT:
      return depth >= MAX_DEPTH
        ? 'object'
        : argumentsOf(
            node.fields.map((f) => [f.name.value, f.value] as const),
            depth + 1,
            false,
          );
  }
}

function argumentsOf(entries: readonly (readonly [string, ValueNode])[], depth: number, list: boolean): unknown {
  if (list) {
    const shapes: unknown[] = [];
    const seen = new Set<string>();
    for (const [, v] of entries) {
      const s = literalShape(v, depth);
      const k = JSON.stringify(s);
      if (!seen.has(k) && shapes.length < MAX_ARRAY_SHAPES) {
        seen.add(k);
        shapes.push(s);
      }
    }
    return shapes;
  }
  const out: Record<string, unknown> = {};
  for (const [name, v] of entries.slice(0, MAX_KEYS)) out[keyName(name)] = literalShape(v, depth);
  return out;
}

export interface GraphqlShape {
  /** Field names (not aliases), root first, in document order; each once. */
  fields: string[];
  /** Root field → its inline arguments' shapes. */
  arguments: Record<string, unknown>;
}

/** Field names and the root fields' argument shapes of a document; null when it does not parse. */
export function graphqlShape(query: string): GraphqlShape | null {
  let doc: DocumentNode;
  try {
    doc = parse(query, { noLocation: true, maxTokens: 20_000 });
  } catch {
    return null;
  }
  const fields: string[] = [];
  const args: Record<string, unknown> = {};
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  const add = (name: string) => {
    if (fields.length < ANALYZE_MAX_FIELDS && !fields.includes(name)) fields.push(name);
  };
  const expanded = new Set<string>();
  const walk = (set: SelectionSetNode, depth: number, root: boolean) => {
    if (depth > MAX_DEPTH * 2) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        add(sel.name.value);
        if (root && sel.arguments && sel.arguments.length > 0) args[keyName(sel.name.value)] = argumentShapeOf(sel.arguments);
        if (sel.selectionSet) walk(sel.selectionSet, depth + 1, false);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, depth + 1, root);
      } else {
        const name = sel.name.value;
        const target = fragments.get(name);
        if (target && !expanded.has(name)) {
          expanded.add(name);
          walk(target, depth + 1, root);
        }
      }
    }
  };
  for (const def of doc.definitions) if (def.kind === Kind.OPERATION_DEFINITION) walk(def.selectionSet, 0, true);
  return { fields, arguments: args };
}

function argumentShapeOf(list: readonly ArgumentNode[]): unknown {
  return argumentsOf(
    list.map((a) => [a.name.value, a.value] as const),
    1,
    false,
  );
}
