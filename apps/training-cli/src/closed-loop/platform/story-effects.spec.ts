import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NudgeType, parseCalendarDate } from '@app/learner';
import { DEFAULT_START } from './platform.service';
import { readStory } from './story';
import { effectSpread, EffectSpread, populationFeatures, quantile } from './story-effects';

const ROOT = join(__dirname, '../../../../..');

/** Rounded as docs/closed-loop.md gives them: shares in percent to 0.1, τ to 0.01. */
function rounded({ negative, strong, q1, median, q3 }: EffectSpread): number[] {
  const percent = (share: number) => Math.round(share * 1000) / 10;
  const hundredths = (value: number) => Math.round(value * 100) / 100;
  return [percent(negative), percent(strong), hundredths(q1), hundredths(median), hundredths(q3)];
}

/**
 * τ on day 0 over the 2,000 learners `simulate-platform --users 2000` draws with seed 42, per
 * committed story: % with τ < 0, % with τ ≥ 2, then the quartiles. docs/closed-loop.md ("The
 * story file") states these numbers; a story edited on purpose changes them here and there.
 */
const SPREADS: Record<string, Record<NudgeType, number[]>> = {
  'default.json': {
    resume: [0, 3.3, 0.89, 1.15, 1.45],
    project: [10.6, 2.7, 0.4, 0.74, 1.12],
    quiz: [0, 12.7, 0.86, 1.26, 1.63],
    event_fomo: [14.3, 11.3, 0.19, 0.81, 1.49],
    comeback: [21.7, 0.7, 0.03, 0.5, 0.86],
  },
  'habit-driven.json': {
    resume: [0, 5.6, 0.1, 0.7, 1.3],
    project: [0, 5.6, 0.1, 0.6, 1.1],
    quiz: [0, 12.6, 0.15, 0.15, 0.15],
    event_fomo: [0, 26.4, 0.15, 0.15, 2.55],
    comeback: [0, 9.7, 0.1, 0.4, 1],
  },
  'backfire.json': {
    resume: [13, 3.3, 0.36, 0.71, 1.09],
    project: [55.5, 1.8, -0.47, -0.11, 0.46],
    quiz: [0, 12.7, 0.86, 1.26, 1.63],
    event_fomo: [58.1, 5.5, -1.31, -0.4, 0.6],
    comeback: [55.6, 2.4, -1.2, -0.31, 0.43],
  },
};

describe(quantile.name, () => {
  it('interpolates between the two values around the quantile', () => {
    const sorted = Float64Array.of(1, 2, 3, 4);

    expect([0, 0.25, 0.5, 1].map((q) => quantile(sorted, q))).toEqual([1, 1.75, 2.5, 4]);
  });
});

describe(effectSpread.name, () => {
  const features = populationFeatures(2000, 42, parseCalendarDate(DEFAULT_START)!);

  it.each(Object.keys(SPREADS))('spreads τ in %s as the docs say', (name) => {
    const read = readStory(JSON.parse(readFileSync(join(ROOT, 'config/stories', name), 'utf8')));
    if (!read.ok) throw new Error(read.problems.join('; '));

    const sut = Object.fromEntries(
      Object.entries(effectSpread(read.story, features)).map(([type, spread]) => [
        type,
        rounded(spread),
      ]),
    );

    expect(sut).toEqual(SPREADS[name]);
  });
});
