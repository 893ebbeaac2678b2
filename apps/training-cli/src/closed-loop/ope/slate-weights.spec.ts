import { forEachSlate, Slate, SlatePolicy, slateProbability } from '@app/engagement';
import { Random } from '../../cli/random';
import { cellOf, SlateWeightings, slateCells, slateWeight, slateWeighting } from './slate-weights';

const LOGGING: SlatePolicy = {
  ranked: ['resume', 'quiz', 'project', 'comeback'],
  slots: 3,
  epsilon: 0.2,
};

/** E_μ[w(s)·f(s)] over the logging policy's slates. */
function reweighted(candidate: SlatePolicy, f: (slate: Slate) => number): number {
  const weighting = slateWeighting(LOGGING, candidate);
  let total = 0;
  forEachSlate(LOGGING, (slate, p) => (total += p * slateWeight(weighting, slate) * f(slate)));
  return total;
}

/** E_π[f(s)] over the candidate's own slates. */
function expected(candidate: SlatePolicy, f: (slate: Slate) => number): number {
  let total = 0;
  forEachSlate(candidate, (slate, p) => (total += p * f(slate)));
  return total;
}

/** An outcome additive over cells: a random effect per (slot, type or empty) cell. */
function additiveOutcome(seed: number): (slate: Slate) => number {
  const random = new Random(seed);
  const effects = Array.from({ length: 3 * 6 }, () => random.uniform());
  return (slate) => slateCells(slate, 3).reduce((total, cell) => total + effects[cell], 0);
}

describe(slateWeighting.name, () => {
  it('weighs every slate the logging policy sends 1 when the candidate is the logging policy', () => {
    const weighting = slateWeighting(LOGGING, LOGGING);
    forEachSlate(LOGGING, (slate) => expect(slateWeight(weighting, slate)).toBeCloseTo(1, 9));
    expect(weighting.unsupported).toBe(0);
    expect(weighting.unidentified).toBe(false);
  });

  it.each([
    ['other priorities', { ...LOGGING, ranked: ['quiz', 'comeback', 'resume', 'project'] }],
    ['max_nudges 1', { ...LOGGING, slots: 1 }],
    ['a type switched off', { ...LOGGING, ranked: ['resume', 'project', 'comeback'] }],
    ['no exploration', { ...LOGGING, epsilon: 0 }],
    ['sending nothing', { ...LOGGING, slots: 0 }],
  ] as const)(
    'recovers the value of a candidate with %s for any additive outcome',
    (_, candidate) => {
      for (const seed of [1, 2, 3]) {
        const f = additiveOutcome(seed);
        expect(reweighted(candidate, f)).toBeCloseTo(expected(candidate, f), 9);
      }
      expect(slateWeighting(LOGGING, candidate).unsupported).toBe(0);
    },
  );

  it('finds the cells a greedy logging policy never fills, and what the candidate puts there', () => {
    const greedy = { ...LOGGING, epsilon: 0 };
    const sut = slateWeighting(greedy, { ...greedy, slots: 1 });
    // The candidate leaves slot 2 empty with certainty, which the greedy policy never does.
    expect(sut.unsupported).toBeCloseTo(1, 12);
    expect(sut.gap).toEqual({ slot: 1, type: undefined });
    const other = slateWeighting(greedy, { ...greedy, ranked: ['quiz', 'resume', 'project'] });
    expect(other.gap).toEqual({ slot: 0, type: 'quiz' });
    expect(other.unsupported).toBe(1);
  });

  it('counts the share of the candidate on types the logging policy never ranked', () => {
    const sut = slateWeighting({ ...LOGGING, ranked: ['resume', 'quiz'] }, LOGGING);
    // Everything but slates of resume and quiz alone (and nothing) puts a nudge in a cell the
    // logs lack.
    let lacking = 0;
    forEachSlate(LOGGING, (slate, p) => {
      if (slate.some((type) => type === 'project' || type === 'comeback')) lacking += p;
    });
    expect(sut.unsupported).toBeCloseTo(lacking, 12);
    expect(sut.gap?.type === 'project' || sut.gap?.type === 'comeback').toBe(true);
  });

  it('puts each slate cell where cellOf says', () => {
    expect(slateCells(['quiz', 'resume'], 3)).toEqual([
      cellOf(0, 'quiz'),
      cellOf(1, 'resume'),
      cellOf(2, undefined),
    ]);
    expect(cellOf(1, undefined)).toBe(11);
  });
});

describe(SlateWeightings.name, () => {
  it('computes a pair of policies once', () => {
    const sut = new SlateWeightings();
    const candidate = { ...LOGGING, slots: 1 };
    expect(sut.of(LOGGING, candidate)).toBe(sut.of({ ...LOGGING }, { ...candidate }));
    expect(slateProbability(candidate, ['resume'])).toBeCloseTo(0.84, 12);
  });

  it('tells apart policies that differ only in their order, slots or ε', () => {
    const sut = new SlateWeightings();
    const variants: SlatePolicy[] = [
      LOGGING,
      { ...LOGGING, ranked: ['quiz', 'resume', 'project', 'comeback'] },
      { ...LOGGING, ranked: ['resume', 'quiz', 'project'] },
      { ...LOGGING, slots: 2 },
      { ...LOGGING, epsilon: 0.1 },
      { ...LOGGING, ranked: [], slots: 0 },
    ];
    const weightings = variants.map((candidate) => sut.of(LOGGING, candidate));
    expect(new Set(weightings).size).toBe(variants.length);
    variants.forEach((candidate, i) => {
      expect(weightings[i]).toEqual(slateWeighting(LOGGING, candidate));
      expect(sut.of(candidate, LOGGING)).toEqual(slateWeighting(candidate, LOGGING));
    });
  });
});
