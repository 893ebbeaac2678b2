import { GrowthBook } from '@growthbook/growthbook';
import { dirname, join } from 'node:path';
import { fnv1a32 } from '@app/learner';
import {
  assign,
  AssignmentSettings,
  bucketRanges,
  chooseVariant,
  ExperimentConfig,
  hashBucket,
} from './assignment';

/** GrowthBook's own bucketing helpers, the oracle every function here must agree with. */
interface GrowthBookUtil {
  hash(seed: string, value: string, version: number): number | null;
  getBucketRanges(
    numVariations: number,
    coverage: number | undefined,
    weights?: number[],
  ): [number, number][];
  chooseVariation(n: number, ranges: [number, number][]): number;
}

// The package's `exports` map hides `dist/cjs/util`, so load the file by its resolved path.
const growthbook = jest.requireActual<GrowthBookUtil>(
  join(dirname(require.resolve('@growthbook/growthbook/package.json')), 'dist/cjs/util.js'),
);

/** GrowthBook logs invalid weights to console.error outside production; keep the run quiet. */
function growthbookRanges(weights: readonly number[]): [number, number][] {
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return growthbook.getBucketRanges(weights.length, 1, [...weights]);
  } finally {
    quiet.mockRestore();
  }
}

/** What the public SDK decides for one learner in one experiment, at hash version 2. */
function runInGrowthBook(id: string, key: string, weights: number[]) {
  // The SDK types an experiment as having at least two variations.
  const variations = weights.map((_, i) => i) as [number, number, ...number[]];
  const client = new GrowthBook({ attributes: { id } });
  try {
    return client.run({ key, variations, weights, hashVersion: 2 });
  } finally {
    client.destroy();
  }
}

/** Mulberry32: a seeded generator, so the generated cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ASCII plus Latin-1, CJK, an emoji (a surrogate pair), a lone surrogate, NUL and U+FFFF. */
const PIECES = [
  ...'abcdefghijklmnopqrstuvwxyz0123456789_-:/ ABCXYZ',
  'é',
  'ß',
  'ñ',
  'e\u0301',
  '東',
  '京',
  '😀',
  '🎉',
  '\ud800',
  '\u0000',
  '\uffff',
];

function generatedText(next: () => number): string {
  const roll = next();
  const length =
    roll < 0.05 ? 0 : roll < 0.9 ? Math.floor(next() * 40) : 200 + Math.floor(next() * 2000);
  let text = '';
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

/** Seed/value pairs: fixed seeds (empty included) and random ones, with random ids. */
function generatedPairs(count: number): [string, string][] {
  const next = random(20240611);
  const seeds = ['', 'eie-holdout', 'welcome-copy', '東京', '😀'];
  return Array.from({ length: count }, (_, i) => [
    i % 2 === 0 ? seeds[i % seeds.length] : generatedText(next),
    i % 7 === 0 ? `stu_${i}` : generatedText(next),
  ]);
}

const PAIRS = generatedPairs(3000);

/** Textbook FNV-1a over a sequence of numbers, in BigInt so it shares no code with the subject. */
function referenceFnv(units: Iterable<number>): number {
  let hash = 0x811c9dc5n;
  for (const unit of units) hash = ((hash ^ BigInt(unit)) * 0x01000193n) & 0xffffffffn;
  return Number(hash);
}

const utf16Units = (text: string) =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe(fnv1a32.name, () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %p to the published FNV-1a value', (text, expected) => {
    const sut = fnv1a32(text);

    expect(sut).toBe(expected);
  });

  it('hashes UTF-16 code units, not UTF-8 bytes', () => {
    const sut = [fnv1a32('é'), fnv1a32('😀')];

    expect(sut).toEqual([referenceFnv([0xe9]), referenceFnv([0xd83d, 0xde00])]);
    expect(sut[0]).not.toBe(referenceFnv(Buffer.from('é', 'utf8')));
  });

  it('matches the reference FNV-1a over code units for every generated string', () => {
    const texts = PAIRS.flat();

    const sut = texts.map(fnv1a32);

    expect(sut).toEqual(texts.map((text) => referenceFnv(utf16Units(text))));
  });

  it("matches GrowthBook's version 1 hash, which is FNV-1a(value + seed) % 1000", () => {
    const sut = PAIRS.map(([seed, value]) => (fnv1a32(value + seed) % 1000) / 1000);

    expect(sut).toEqual(PAIRS.map(([seed, value]) => growthbook.hash(seed, value, 1)));
  });
});

describe(hashBucket.name, () => {
  // The version 2 rows of GrowthBook's cross-SDK test cases (cases.json, "hash").
  it.each([
    ['seed', 'a', 0.0505],
    ['seed', 'b', 0.2696],
    ['foo', 'ab', 0.2575],
    ['foo', 'def', 0.2019],
    ['89123klj', '8952klfjas09ujkasdf', 0.124],
    ['90850943850283058242805', '123', 0.7516],
    ['()**(%$##$%#$#', '___)((*":&', 0.0128],
  ])('hashes seed %p and value %p to %p', (seed, value, expected) => {
    const sut = hashBucket(seed, value);

    expect(sut).toBe(expected);
  });

  it("equals GrowthBook's hash(seed, value, 2) for every generated pair", () => {
    const sut = PAIRS.map(([seed, value]) => hashBucket(seed, value));

    expect(sut).toEqual(PAIRS.map(([seed, value]) => growthbook.hash(seed, value, 2)));
  });

  it('is a number in [0, 1) with at most 4 decimals', () => {
    const sut = PAIRS.map(([seed, value]) => hashBucket(seed, value));

    expect(sut.filter((b) => !(b >= 0 && b < 1 && Math.round(b * 10000) / 10000 === b))).toEqual(
      [],
    );
  });

  it('concatenates seed and value without a separator, as GrowthBook does', () => {
    const sut = hashBucket('ab', 'c');

    expect(sut).toBe(hashBucket('a', 'bc'));
  });

  it('is the bucket the public GrowthBook SDK reports for an experiment seeded by its key', () => {
    const ids = ['stu_0', 'stu_3', 'stu_42', '東京-learner', '😀'];

    const sut = ids.map((id) => hashBucket('welcome-copy', id));

    expect(sut).toEqual(ids.map((id) => runInGrowthBook(id, 'welcome-copy', [0.5, 0.5]).bucket));
  });
});

describe(bucketRanges.name, () => {
  const weightVectors: (readonly number[])[] = [
    [0.5, 0.5],
    [0.1, 0.2, 0.7],
    [1],
    [0.2, 0.3, 0.5],
    [0.25, 0.25, 0.25, 0.25],
    [0.4, 0.1],
    [0.7, 0.6],
    [2, 1, 1],
    [0.4, 0.5999],
    [0.5, 0.49],
    [0, 1],
    [],
  ];

  it.each(weightVectors.map((weights) => [JSON.stringify(weights), weights] as const))(
    "equals GrowthBook's getBucketRanges for %s",
    (_label, weights) => {
      const sut = bucketRanges(weights);

      expect(sut).toEqual(growthbookRanges(weights));
    },
  );

  // Rows of GrowthBook's cross-SDK test cases (cases.json, "getBucketRange") at coverage 1.
  it.each<[string, number[], [number, number][]]>([
    [
      'normal 50/50',
      [0.5, 0.5],
      [
        [0, 0.5],
        [0.5, 1],
      ],
    ],
    [
      'uneven weights',
      [0.4, 0.6],
      [
        [0, 0.4],
        [0.4, 1],
      ],
    ],
    [
      'uneven weights, 3 variations',
      [0.2, 0.3, 0.5],
      [
        [0, 0.2],
        [0.2, 0.5],
        [0.5, 1],
      ],
    ],
    [
      'weights sum below 1',
      [0.4, 0.1],
      [
        [0, 0.5],
        [0.5, 1],
      ],
    ],
    [
      'weights sum above 1',
      [0.7, 0.6],
      [
        [0, 0.5],
        [0.5, 1],
      ],
    ],
    [
      'weights sum almost equals 1',
      [0.4, 0.5999],
      [
        [0, 0.4],
        [0.4, 0.9999],
      ],
    ],
  ])('%s', (_name, weights, expected) => {
    const sut = bucketRanges(weights);

    expect(sut).toEqual(expected);
  });

  it('falls back to equal weights instead of normalising an invalid total', () => {
    const sut = bucketRanges([2, 1, 1]);

    expect(sut).toEqual([
      [0, 1 / 3],
      [1 / 3, 2 / 3],
      [2 / 3, 1],
    ]);
  });
});

describe(chooseVariant.name, () => {
  const rangeSets: [number, number][][] = [
    [
      [0, 0.5],
      [0.5, 1],
    ],
    bucketRanges([0.1, 0.2, 0.7]),
    bucketRanges([1]),
    bucketRanges([0.4, 0.5999]),
    bucketRanges([0.5, 0.49]),
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
    [],
  ];
  const everyBucket = Array.from({ length: 10000 }, (_, i) => i / 10000);

  it.each(rangeSets.map((ranges) => [JSON.stringify(ranges), ranges] as const))(
    "equals GrowthBook's chooseVariation on every bucket for %s",
    (_label, ranges) => {
      const sut = everyBucket.map((bucket) => chooseVariant(bucket, ranges));

      expect(sut).toEqual(everyBucket.map((bucket) => growthbook.chooseVariation(bucket, ranges)));
    },
  );

  it('includes the start of a range and excludes its end', () => {
    const sut = [0, 0.4999, 0.5, 0.9999].map((bucket) =>
      chooseVariant(bucket, [
        [0, 0.5],
        [0.5, 1],
      ]),
    );

    expect(sut).toEqual([0, 0, 1, 1]);
  });

  it('returns -1 for a bucket in no range', () => {
    const sut = chooseVariant(0.9999, bucketRanges([0.4, 0.5999]));

    expect(sut).toBe(-1);
  });
});

describe(assign.name, () => {
  const welcomeCopy: ExperimentConfig = {
    key: 'welcome-copy',
    variants: [
      { key: 'control', weight: 0.5 },
      { key: 'treatment', weight: 0.5 },
    ],
  };
  const settings = (overrides: Partial<AssignmentSettings> = {}): AssignmentSettings => ({
    holdout_percent: 10,
    salt: 'eie-holdout',
    experiments: [],
    ...overrides,
  });
  const ids = (count: number) => Array.from({ length: count }, (_, i) => `stu_${i}`);

  it('holds out about holdout_percent of 100,000 learners, on GrowthBook buckets', () => {
    const learners = ids(100_000);

    const sut = learners.map((id) => assign(id, settings()));

    const share = sut.filter((a) => a.holdout).length / learners.length;
    const mismatches = sut.filter(
      (a, i) => a.bucket !== growthbook.hash('eie-holdout', learners[i], 2),
    ).length;
    expect(Math.abs(share - 0.1)).toBeLessThanOrEqual(0.005);
    expect(mismatches).toBe(0);
  });

  it('never holds out at holdout_percent 0 and always does at 100', () => {
    const learners = ids(10_000);

    const sut = [0, 100].map(
      (holdout_percent) =>
        learners.filter((id) => assign(id, settings({ holdout_percent })).holdout).length,
    );

    expect(sut).toEqual([0, learners.length]);
  });

  it.each([
    ['stu_0', { holdout: true, bucket: 0.2293 }],
    ['stu_3', { holdout: false, bucket: 0.7866 }],
  ])('places %p by its bucket at holdout_percent 50', (id, expected) => {
    const sut = assign(id, settings({ holdout_percent: 50 }));

    expect(sut).toEqual(expected);
    expect(sut.bucket).toBe(growthbook.hash('eie-holdout', id, 2));
  });

  it('assigns a known learner the variant GrowthBook chooses', () => {
    const weights = welcomeCopy.variants.map((variant) => variant.weight);
    const index = growthbook.chooseVariation(
      growthbook.hash('welcome-copy', 'stu_3', 2) ?? NaN,
      growthbookRanges(weights),
    );

    const sut = assign('stu_3', settings({ experiments: [welcomeCopy] }));

    expect(sut).toEqual({
      holdout: false,
      bucket: 0.7866,
      experiment: 'welcome-copy',
      variant: 'treatment',
    });
    expect(sut.variant).toBe(welcomeCopy.variants[index].key);
    expect(runInGrowthBook('stu_3', 'welcome-copy', weights).variationId).toBe(index);
  });

  it.each(['stu_0', 'stu_3', 'stu_117', '東京-learner', '😀'])(
    'agrees with GrowthBook for %p in a three-way split',
    (id) => {
      const threeWay: ExperimentConfig = {
        key: 'streak-nudge',
        variants: [
          { key: 'a', weight: 0.1 },
          { key: 'b', weight: 0.2 },
          { key: 'c', weight: 0.7 },
        ],
      };
      const index = growthbook.chooseVariation(
        growthbook.hash('streak-nudge', id, 2) ?? NaN,
        growthbookRanges([0.1, 0.2, 0.7]),
      );

      const sut = assign(id, settings({ holdout_percent: 0, experiments: [threeWay] }));

      expect(sut.variant).toBe(threeWay.variants[index].key);
    },
  );

  it('gives a held-out learner no experiment', () => {
    const sut = assign('stu_42', settings({ experiments: [welcomeCopy] }));

    expect(sut).toEqual({ holdout: true, bucket: 0.0175 });
    expect(sut).not.toHaveProperty('experiment');
    expect(sut).not.toHaveProperty('variant');
  });

  it('moves on to the next experiment when the bucket is in no range of the first', () => {
    // Weights totalling 0.99 are kept as given, leaving [0.99, 1) to no variant.
    const gapped: ExperimentConfig = {
      key: 'exp-gap',
      variants: [
        { key: 'x', weight: 0.5 },
        { key: 'y', weight: 0.49 },
      ],
    };

    const sut = assign('stu_117', settings({ experiments: [gapped, welcomeCopy] }));

    expect(hashBucket('exp-gap', 'stu_117')).toBe(0.9976);
    expect(sut).toEqual({
      holdout: false,
      bucket: 0.7414,
      experiment: 'welcome-copy',
      variant: 'treatment',
    });
  });

  it('takes the first experiment that places the learner', () => {
    const sut = assign(
      'stu_3',
      settings({ experiments: [welcomeCopy, { ...welcomeCopy, key: 'b' }] }),
    );

    expect(sut.experiment).toBe('welcome-copy');
  });

  it('returns no experiment when none is configured', () => {
    const sut = assign('stu_3', settings());

    expect(sut).toEqual({ holdout: false, bucket: 0.7866 });
  });

  it('splits the learners kept in evenly, independent of the holdout bucket', () => {
    const kept = ids(20_000)
      .map((id) => assign(id, settings({ holdout_percent: 50, experiments: [welcomeCopy] })))
      .filter((a) => !a.holdout);

    const sut = kept.filter((a) => a.variant === 'treatment').length / kept.length;

    expect(Math.abs(sut - 0.5)).toBeLessThanOrEqual(0.02);
  });
});
