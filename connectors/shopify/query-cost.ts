// The cost of an Admin GraphQL document by Shopify's published rules (shopify.dev "GraphQL
// Admin API rate limits", Cost calculation): a field returning a scalar or an enum costs 0, an
// object 1, an interface or union the maximum of its possible selections, a connection is sized
// by its `first`/`last` argument (2 points plus that many times the cost of one node; pageInfo
// and edges come with the 2), a mutation 10. The *requested* cost sizes every list by its
// argument; the *actual* cost counts what came back. One place: the connector sizes its poll
// pages with it, the simulator charges with it, the benchmarks compute minimums with it.
// Without the schema, a field is read as: no selection set -> scalar or enum; a selection set
// holding `nodes` or `edges` -> connection; `first`/`last` without them -> list of objects of
// that size; `ids: [...]` (nodes(ids:)) -> one object per id; otherwise an object.

export const SINGLE_QUERY_LIMIT = 1000;
const MUTATION_COST = 10;
const CONNECTION_BASE = 2;

interface Field {
  name: string;
  /** Response key (alias or name). */
  key: string;
  args: Record<string, unknown>;
  selections: Selection[] | null;
}
interface Fragment {
  fragment: true;
  selections: Selection[];
}
type Selection = Field | Fragment;

interface Operation {
  kind: 'query' | 'mutation';
  selections: Selection[];
}

const VAR = Symbol('var');
type VarRef = { [VAR]: string };

function tokenize(doc: string): string[] {
  const out: string[] = [];
  const re =
    /\s+|,|#[^\n]*|("(?:[^"\\]|\\.)*")|(\.\.\.)|([{}()[\]:!$@=|&])|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)/gy;
  while (re.lastIndex < doc.length) {
    const m = re.exec(doc);
    if (!m) break;
    const t = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5];
    if (t !== undefined) out.push(t);
  }
  if (re.lastIndex < doc.length) throw new Error(`query-cost: cannot read the document at ${re.lastIndex}`);
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly t: string[]) {}
  private peek(): string | undefined {
    return this.t[this.i];
  }
  private next(): string {
    const v = this.t[this.i++];
    if (v === undefined) throw new Error('query-cost: unexpected end of document');
    return v;
  }
  private expect(v: string): void {
    const got = this.next();
    if (got !== v) throw new Error(`query-cost: expected ${v}, got ${got}`);
  }

  operation(): Operation {
    let kind: Operation['kind'] = 'query';
    if (this.peek() === 'query' || this.peek() === 'mutation') {
      kind = this.next() as Operation['kind'];
      if (this.peek() !== '{' && this.peek() !== '(' && this.peek() !== '@') this.next(); // name
      if (this.peek() === '(') this.skipBalanced('(', ')');
      while (this.peek() === '@') this.directive();
    }
    return { kind, selections: this.selectionSet() };
  }

  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    do {
      const v = this.next();
      if (v === open) depth += 1;
      else if (v === close) depth -= 1;
    } while (depth > 0);
  }

  private directive(): void {
    this.expect('@');
    this.next();
    if (this.peek() === '(') this.skipBalanced('(', ')');
  }

  private selectionSet(): Selection[] {
    this.expect('{');
    const out: Selection[] = [];
    while (this.peek() !== '}') out.push(this.selection());
    this.expect('}');
    return out;
  }

  private selection(): Selection {
    if (this.peek() === '...') {
      this.next();
      if (this.peek() === 'on') {
        this.next();
        this.next();
      }
      while (this.peek() === '@') this.directive();
      return { fragment: true, selections: this.selectionSet() };
    }
    let name = this.next();
    const key = name;
    if (this.peek() === ':') {
      this.next();
      name = this.next();
    }
    const args: Record<string, unknown> = {};
    if (this.peek() === '(') {
      this.next();
      while (this.peek() !== ')') {
        const arg = this.next();
        this.expect(':');
        args[arg] = this.value();
      }
      this.next();
    }
    while (this.peek() === '@') this.directive();
    const selections = this.peek() === '{' ? this.selectionSet() : null;
    return { name, key, args, selections };
  }

  private value(): unknown {
    const v = this.next();
    if (v === '$') return { [VAR]: this.next() } satisfies VarRef;
    if (v === '[') {
      const list: unknown[] = [];
      while (this.peek() !== ']') list.push(this.value());
      this.next();
      return list;
    }
    if (v === '{') {
      const obj: Record<string, unknown> = {};
      while (this.peek() !== '}') {
        const k = this.next();
        this.expect(':');
        obj[k] = this.value();
      }
      this.next();
      return obj;
    }
    if (v.startsWith('"')) return JSON.parse(v);
    if (/^-?\d/.test(v)) return Number(v);
    return v;
  }
}

const parsed = new Map<string, Operation>();

function parse(document: string): Operation {
  let op = parsed.get(document);
  if (!op) {
    op = new Parser(tokenize(document)).operation();
    if (parsed.size > 200) parsed.clear();
    parsed.set(document, op);
  }
  return op;
}

function resolve(v: unknown, variables: Record<string, unknown>): unknown {
  if (v && typeof v === 'object' && VAR in v) return variables[(v as VarRef)[VAR]];
  return v;
}

function isField(s: Selection): s is Field {
  return !('fragment' in s);
}

/** A list size from first/last (requested) — null when the field is not sized. */
function sizeArg(f: Field, variables: Record<string, unknown>): number | null {
  for (const a of ['first', 'last']) {
    const n = resolve(f.args[a], variables);
    if (typeof n === 'number' && Number.isFinite(n)) return Math.max(0, Math.floor(n));
  }
  return null;
}

function idsArg(f: Field, variables: Record<string, unknown>): number | null {
  const ids = resolve(f.args.ids, variables);
  return Array.isArray(ids) ? ids.length : null;
}

function connectionNode(f: Field): Selection[] | null {
  if (!f.selections) return null;
  for (const s of f.selections) {
    if (!isField(s)) continue;
    if (s.name === 'nodes' && s.selections) return s.selections;
    if (s.name === 'edges' && s.selections) {
      const node = s.selections.find((e): e is Field => isField(e) && e.name === 'node');
      return node?.selections ?? [];
    }
  }
  return null;
}

/**
 * Cost of a selection set. `data` is the returned value for the actual cost (undefined for
 * the requested cost): lists then count what came back instead of their argument.
 */
function selectionsCost(
  selections: Selection[],
  variables: Record<string, unknown>,
  data: Record<string, unknown> | undefined,
  actual: boolean,
): number {
  let sum = 0;
  let fragments = 0;
  for (const s of selections) {
    if (isField(s)) sum += fieldCost(s, variables, data?.[s.key], actual);
    else fragments = Math.max(fragments, selectionsCost(s.selections, variables, data, actual));
  }
  return sum + fragments;
}

function objectCost(sel: Selection[], variables: Record<string, unknown>, value: unknown, actual: boolean): number {
  const obj = value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  if (actual && !obj) return 1; // resolved to null: the field was looked up, nothing below it ran
  return 1 + selectionsCost(sel, variables, obj, actual);
}

function listCost(
  sel: Selection[],
  variables: Record<string, unknown>,
  size: number,
  items: unknown,
  actual: boolean,
): number {
  if (!actual) return size * objectCost(sel, variables, undefined, false);
  const list = Array.isArray(items) ? items : [];
  return list.reduce<number>((s, item) => s + objectCost(sel, variables, item, true), 0);
}

function fieldCost(f: Field, variables: Record<string, unknown>, value: unknown, actual: boolean): number {
  if (!f.selections) return 0;
  const node = connectionNode(f);
  const size = sizeArg(f, variables);
  if (node) {
    const nodesKey = f.selections.find((s): s is Field => isField(s) && (s.name === 'nodes' || s.name === 'edges'));
    const conn = value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    let items: unknown = conn?.[nodesKey?.key ?? 'nodes'];
    if (nodesKey?.name === 'edges' && Array.isArray(items)) items = items.map((e) => (e as { node?: unknown })?.node);
    if (actual && !conn) return CONNECTION_BASE;
    return CONNECTION_BASE + listCost(node, variables, size ?? 0, items, actual);
  }
  if (size !== null) return listCost(f.selections, variables, size, value, actual);
  const ids = idsArg(f, variables);
  if (ids !== null) return listCost(f.selections, variables, ids, value, actual);
  return objectCost(f.selections, variables, value, actual);
}

/** Requested cost: what the bucket must hold before Shopify runs the document. */
export function requestedQueryCost(document: string, variables: Record<string, unknown> = {}): number {
  const op = parse(document);
  if (op.kind === 'mutation') return op.selections.filter(isField).length * MUTATION_COST;
  return selectionsCost(op.selections, variables, undefined, false);
}

/** Actual cost: the same rules over what the answer holds (a mutation keeps its 10). */
export function actualQueryCost(document: string, variables: Record<string, unknown>, data: unknown): number {
  const op = parse(document);
  if (op.kind === 'mutation') return op.selections.filter(isField).length * MUTATION_COST;
  const obj = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  return selectionsCost(op.selections, variables, obj, true);
}
