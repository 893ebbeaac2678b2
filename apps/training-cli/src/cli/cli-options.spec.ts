import { InvalidArgumentError } from 'commander';
import { parseDirectory, parseInteger } from './cli-options';

describe(parseInteger.name, () => {
  it('accepts whole numbers in range', () => {
    expect(parseInteger('2000', 100, 10_000)).toBe(2000);
    expect(parseInteger('0', 0, 5)).toBe(0);
  });

  it.each(['-5', 'abc', '1.5', '', '1e3', '99', '10001', ' 200'])('rejects %p', (value) => {
    expect(() => parseInteger(value, 100, 10_000)).toThrow(
      new InvalidArgumentError('Expected a whole number from 100 to 10000.'),
    );
  });
});

describe(parseDirectory.name, () => {
  it('keeps a path and rejects a blank one', () => {
    expect(parseDirectory('out/data')).toBe('out/data');
    expect(() => parseDirectory('  ')).toThrow('Expected a folder path.');
  });
});
