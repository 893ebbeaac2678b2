import fc from 'fast-check';
import { BODY_LIMIT } from './oracle';

/**
 * Mutations of a valid request for the property-based suite: odd values and keys dropped, set or
 * inserted anywhere in the document, and the API path of each change.
 */

const ATTENDANCE = 'peer_snapshot.batch_event_attendance';

/** A JSON literal spliced into the body as is: what JSON.stringify cannot write. */
export class Raw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `@@raw:${this.text}@@`;
  }
}

export function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([^"]*)@@"/g, '$1');
}

const nested = (depth: number, open: string, close: string, core = '1') =>
  new Raw(open.repeat(depth) + core + close.repeat(depth));

/** Odd values: wrong types, edge numbers, impossible dates, long strings, deep structures. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    -0.5,
    1e300,
    -1e300,
    2 ** 53,
    1_000_000_000,
    1_000_000_001,
    '',
    '190',
    'NaN',
    'Infinity',
    '2025-02-30',
    '2025-13-01',
    '2023-02-29',
    '2999-12-31',
    '0050-01-01',
    '2025-6-1',
    '__proto__',
    'x'.repeat(65),
    'x'.repeat(129),
    [],
    {},
    [null],
    [1],
    [[]],
    [{}],
    { '': 1 },
    new Raw('1e400'),
    new Raw('-1e400'),
    new Raw('9007199254740993'),
    new Raw('-0'),
    new Raw('1e-400'),
    // Over the 100 kB body limit on their own.
    'x'.repeat(BODY_LIMIT + 1),
    new Raw(`[${'0,'.repeat(60_000)}0]`),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.string({ maxLength: 3 }), { minLength: 45, maxLength: 210 }),
  fc
    .tuple(fc.constantFrom(2, 10, 30, 31, 32, 33, 100, 1_000, 10_000), fc.boolean())
    .map(([depth, arrays]) => (arrays ? nested(depth, '[', ']') : nested(depth, '{"a":', '}'))),
);

const oddKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    'karma',
    'user_data',
    'as_of',
    'x'.repeat(200),
  ),
  fc.string({ maxLength: 12 }),
);

export interface Mutation {
  readonly op: 'drop' | 'set' | 'insert';
  /** Which node, as an index into the document's nodes (modulo their number). */
  readonly pick: number;
  readonly key: string;
  readonly value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('drop', 'set', 'set', 'insert'),
  pick: fc.nat(),
  key: oddKey,
  value: oddValue,
});

type Path = (string | number)[];

/** Every node of the document with its path, the root first. */
function nodesOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (value instanceof Raw || typeof value !== 'object' || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    nodesOf(child, [...path, Array.isArray(value) ? Number(key) : key], out);
  }
  return out;
}

/** A path as the API writes it: dots, [i] for array entries, ["name"] for attendance events. */
function apiPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (out === ATTENDANCE) out += `[${JSON.stringify(key)}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** Generated values are copied before use, so no run changes a value another run shares. */
const copy = (value: unknown) => (value instanceof Raw ? value : structuredClone(value));

/** Defined, not assigned, so `__proto__` stays a key. */
const define = (target: object, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, {
    value: copy(value),
    enumerable: true,
    writable: true,
    configurable: true,
  });

/** Applies the mutations in place; returns the API path each one touched. */
export function mutate(doc: { root: unknown }, mutations: readonly Mutation[]): string[] {
  const touched: string[] = [];
  for (const m of mutations) {
    const nodes = nodesOf(doc.root);
    const path = nodes[m.pick % nodes.length];
    const at = (depth: number): any =>
      path.slice(0, depth).reduce<any>((node, key) => node[key], doc.root);
    const parent = at(path.length - 1);
    const last = path[path.length - 1];
    if (m.op === 'insert') {
      const target = at(path.length);
      if (Array.isArray(target)) {
        touched.push(apiPath([...path, target.length]));
        define(target, target.length, m.value);
        continue;
      }
      if (typeof target === 'object' && target !== null && !(target instanceof Raw)) {
        touched.push(apiPath([...path, m.key]));
        define(target, m.key, m.value);
        continue;
      }
    }
    touched.push(apiPath(path));
    if (path.length === 0) doc.root = m.op === 'drop' ? undefined : copy(m.value);
    else if (m.op === 'drop' && Array.isArray(parent)) parent.splice(last as number, 1);
    else if (m.op === 'drop') delete parent[last];
    else define(parent, last, m.value);
  }
  return touched;
}

/** Whether the error names the mutated field, a field inside it, or the object holding it. */
export const related = (errorPath: string, touched: string) =>
  errorPath.startsWith(touched) || touched.startsWith(errorPath);
