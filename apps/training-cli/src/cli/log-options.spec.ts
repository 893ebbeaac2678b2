import { parseLogPaths } from './log-options';

describe(parseLogPaths.name, () => {
  it('replaces the default by the first value, and adds each value after it', () => {
    const first = parseLogPaths('logs/decisions-*.ndjson', 'data/decisions.ndjson');
    expect(first).toEqual(['logs/decisions-*.ndjson']);
    expect(parseLogPaths('old/decisions.ndjson.gz', first)).toEqual([
      'logs/decisions-*.ndjson',
      'old/decisions.ndjson.gz',
    ]);
  });

  it('starts from the first value when the flag has no default', () => {
    expect(parseLogPaths('decisions.ndjson', undefined)).toEqual(['decisions.ndjson']);
  });

  it('refuses a blank value', () => {
    expect(() => parseLogPaths(' ', undefined)).toThrow('Expected a file path.');
  });
});
