import { isUtf8 } from 'node:buffer';
import { scan } from 'secure-json-parse';

/** A valid request is 4 levels deep and a batch 6; nothing legitimate comes near this. */
export const MAX_JSON_DEPTH = 32;

export type ParsedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** What walking a parsed document found, the first two cases needing a closer look. */
type Shape = 'too deep' | 'suspect key' | 'plain';

/**
 * Walks a parsed document down to `limit` levels: too deep when it nests deeper, else a suspect
 * key when some object has a `__proto__` or `constructor` key (the only documents
 * secure-json-parse's scan can refuse), else plain.
 */
function shapeOf(value: unknown, limit: number): Shape {
  if (typeof value !== 'object' || value === null) return 'plain';
  if (limit === 0) return 'too deep';
  let shape: Shape = 'plain';
  // Most values are strings and numbers: only objects and arrays are walked into (a call each).
  if (Array.isArray(value)) {
    for (const child of value) {
      if (typeof child !== 'object' || child === null) continue;
      const inner = shapeOf(child, limit - 1);
      if (inner === 'too deep') return inner;
      if (inner === 'suspect key') shape = inner;
    }
    return shape;
  }
  // for-in, not Object.values: no array per object on every request.
  for (const key in value) {
    if (key === '__proto__' || key === 'constructor') shape = 'suspect key';
    const child = (value as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    const inner = shapeOf(child, limit - 1);
    if (inner === 'too deep') return inner;
    if (inner === 'suspect key') shape = inner;
  }
  return shape;
}

const SECURE = { protoAction: 'error', constructorAction: 'error' } as const;

/**
 * Parses a client's JSON document: strict UTF-8, no `__proto__` or `constructor.prototype`
 * keys (they are how prototype pollution gets in), and a nesting limit so later recursive code
 * cannot overflow the stack. The HTTP body parser and the NDJSON scorer both use it; `what` names
 * the document in messages ("body", "line").
 */
export function parseJsonDocument(input: Buffer | string, what = 'body'): ParsedJson {
  if (typeof input !== 'string' && !isUtf8(input)) {
    return { ok: false, message: `${what} is not valid UTF-8` };
  }
  const text = typeof input === 'string' ? input : input.toString('utf8');
  let value: unknown;
  let shape: Shape;
  try {
    // secure-json-parse's parse is JSON.parse (after a byte order mark), then two regular
    // expressions over the text that find any `__proto__` or `constructor` key, then a scan of
    // the value if one did. The depth walk below must visit every key anyway, so it looks for
    // those keys itself, and the library scans only a document that has one or that the walk
    // could not finish: the same verdicts, without the text's second and third passes.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    shape = shapeOf(value, MAX_JSON_DEPTH);
    if (shape !== 'plain') scan(value as object, SECURE);
  } catch (error) {
    return { ok: false, message: `${what} is not valid JSON: ${(error as Error).message}` };
  }
  if (shape === 'too deep') {
    return { ok: false, message: `${what} nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return { ok: true, value };
}

/**
 * A request's body as the API reads it, on either adapter and on its engine threads: empty,
 * malformed, non-UTF-8, too deep or prototype-polluting documents are refused with the reason.
 */
export function readJsonBody(body: Uint8Array): ParsedJson {
  if (body.length === 0) return { ok: false, message: 'body is empty; send a JSON object' };
  return parseJsonDocument(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}
