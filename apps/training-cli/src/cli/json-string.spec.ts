import { jsonString } from './json-string';

describe(jsonString.name, () => {
  it.each([
    ['sim-42-stu_000001-0', '"sim-42-stu_000001-0"'],
    ['', '""'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['tab\there', '"tab\\there"'],
    ['\u0000\u001f', '"\\u0000\\u001f"'],
    ['\u007f é', '"\u007f é"'],
    ['😀', '"😀"'],
    ['lone \ud800', '"lone \\ud800"'],
  ])('writes %p as JSON.stringify does: %s', (value, json) => {
    expect(jsonString(value)).toBe(json);
    expect(jsonString(value)).toBe(JSON.stringify(value));
  });
});
