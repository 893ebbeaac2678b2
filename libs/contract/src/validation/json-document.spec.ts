import { MAX_JSON_DEPTH, parseJsonDocument } from './json-document';

describe(parseJsonDocument.name, () => {
  it('parses a UTF-8 JSON document', () => {
    expect(parseJsonDocument(Buffer.from('{"name":"Zoë","n":[1,2]}'))).toEqual({
      ok: true,
      value: { name: 'Zoë', n: [1, 2] },
    });
  });

  it.each([
    [
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      'body is not valid UTF-8',
    ],
    [Buffer.from('{"a":'), 'body is not valid JSON: Unexpected end of JSON input'],
    [
      Buffer.from('{"__proto__":{"polluted":true}}'),
      'body is not valid JSON: Object contains forbidden prototype property',
    ],
    [
      Buffer.from('{"\\u005f_proto__":{"polluted":true}}'),
      'body is not valid JSON: Object contains forbidden prototype property',
    ],
    [
      Buffer.from('{"\\u005f_proto__":{"polluted":true}}'),
      'body is not valid JSON: Object contains forbidden prototype property',
    ],
    [
      Buffer.from(`${'['.repeat(40)}{"__proto__":{"polluted":true}}${']'.repeat(40)}`),
      'body is not valid JSON: Object contains forbidden prototype property',
    ],
    [
      Buffer.from('{"a":{"constructor":{"prototype":{"polluted":true}}}}'),
      'body is not valid JSON: Object contains forbidden prototype property',
    ],
  ])('refuses %p', (input, message) => {
    expect(parseJsonDocument(input)).toEqual({ ok: false, message });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`accepts nesting to ${MAX_JSON_DEPTH} levels and refuses deeper`, () => {
    const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(parseJsonDocument(nest(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(parseJsonDocument(nest(MAX_JSON_DEPTH + 1))).toEqual({
      ok: false,
      message: `body nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
    expect(parseJsonDocument(nest(10_000)).ok).toBe(false);
  });

  it('reads a document that starts with a byte order mark', () => {
    expect(parseJsonDocument('\ufeff{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reads a document that starts with a byte order mark', () => {
    expect(parseJsonDocument('\ufeff{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('keeps a plain "constructor" key as data', () => {
    expect(parseJsonDocument('{"constructor":1}')).toEqual({ ok: true, value: { constructor: 1 } });
    expect(parseJsonDocument('[{"constructor":{"name":"x"}}]')).toEqual({
      ok: true,
      value: [{ constructor: { name: 'x' } }],
    });
  });
});
