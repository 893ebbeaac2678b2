import { InvalidArgumentError } from 'commander';
import { parseChoice, parseClip, parseDirectory, parseInteger } from './cli-options';

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

describe(parseClip.name, () => {
  it('takes a weight of at least 1, whole or decimal', () => {
    expect(parseClip('10')).toBe(10);
    expect(parseClip('1')).toBe(1);
    expect(parseClip('2.5')).toBe(2.5);
  });

  it.each(['0.5', '0', '-3', 'ten', '1e3', '', ' 5', 'Infinity'])('refuses %p', (value) => {
    expect(() => parseClip(value)).toThrow(
      new InvalidArgumentError('Expected a number of at least 1.'),
    );
  });
});

describe(parseChoice.name, () => {
  const OBJECTIVES = ['propensity', 'uplift'] as const;

  it('takes one of the words as written', () => {
    expect(parseChoice('uplift', OBJECTIVES)).toBe('uplift');
    expect(parseChoice('propensity', OBJECTIVES)).toBe('propensity');
  });

  it.each(['Uplift', 'uplift ', '', 'lift'])('refuses %p, listing the words', (value) => {
    expect(() => parseChoice(value, OBJECTIVES)).toThrow(
      new InvalidArgumentError('Expected one of propensity, uplift.'),
    );
  });
});
