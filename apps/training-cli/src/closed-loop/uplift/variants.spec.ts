import { cupedLift } from './cuped';
import { ArmMoments, momentsOf } from './arm-moments';
import { controlOf, variantLifts } from './variants';

const WARM = [
  { acted: 0, decisions: 2, covariate: 0 },
  { acted: 1, decisions: 2, covariate: 0.5 },
  { acted: 0, decisions: 1, covariate: 0 },
  { acted: 1, decisions: 3, covariate: 0.5 },
];
const COLD = [
  { acted: 1, decisions: 2, covariate: 0.5 },
  { acted: 0, decisions: 1, covariate: 0 },
  { acted: 2, decisions: 3, covariate: 1 },
];

function groups(entries: Record<string, typeof WARM>): Map<string, ArmMoments> {
  return new Map(Object.entries(entries).map(([group, learners]) => [group, momentsOf(learners)]));
}

const keys = (...variants: string[]) => variants.map((key) => ({ key }));

describe(controlOf.name, () => {
  it('is the variant keyed control, else the first', () => {
    expect(controlOf({ key: 'tone', variants: keys('warm', 'control', 'cold') })).toBe('control');
    expect(controlOf({ key: 'tone', variants: keys('warm', 'cold') })).toBe('warm');
  });
});

describe(variantLifts.name, () => {
  it("gives each variant's lift over its control, plain and CUPED, in the config's order", () => {
    const sut = variantLifts(groups({ 'tone=warm': WARM, 'tone=cold': COLD, 'tone=hot': COLD }), [
      { key: 'tone', variants: keys('warm', 'hot', 'cold') },
      { key: 'cta', variants: keys('short', 'long') },
    ]);

    // cold over warm is uplift.spec.ts's treated over holdout: 0.5 − 0.25.
    expect(sut.map(({ experiment, variant, control }) => [experiment, variant, control])).toEqual([
      ['tone', 'hot', 'warm'],
      ['tone', 'cold', 'warm'],
    ]);
    expect(sut[1].absolute_lift!.estimate).toBe(0.25);
    expect(sut[1].absolute_lift!.ci95[0]).toBeCloseTo(-0.11062360879447869, 9);
    expect(sut[1].absolute_lift!.ci95[1]).toBeCloseTo(0.6106236087944787, 9);
    expect(sut[1].cuped).toEqual(cupedLift(momentsOf(COLD), momentsOf(WARM)));
    expect(sut[1].cuped!.estimate).toBeCloseTo(5 / 48, 15);
  });

  it('has no lift when the variant or its control has fewer than 2 learners', () => {
    const sut = variantLifts(groups({ 'tone=warm': WARM.slice(0, 1), 'tone=cold': COLD }), [
      { key: 'tone', variants: keys('warm', 'cold') },
    ]);

    expect(sut).toEqual([
      { experiment: 'tone', variant: 'cold', control: 'warm', absolute_lift: null, cuped: null },
    ]);
  });
});
