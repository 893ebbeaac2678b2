import { isUtf8 } from 'node:buffer';
import { parse as secureParse } from 'secure-json-parse';

/** A valid request is 4 levels deep and a batch 6; nothing legitimate comes near this. */
export const MAX_JSON_DEPTH = 32;

export type ParsedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (deeperThan(child, limit - 1)) return true;
    return false;
  }
  // for-in, not Object.values: no array per object on every request.
  for (const key in value) {
    if (deeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  }
  return false;
}

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
  try {
    value = secureParse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    return { ok: false, message: `${what} is not valid JSON: ${(error as Error).message}` };
  }
  if (deeperThan(value, MAX_JSON_DEPTH)) {
    return { ok: false, message: `${what} nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return { ok: true, value };
}
