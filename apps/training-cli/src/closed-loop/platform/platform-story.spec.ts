import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { ACTION_STORIES, actionLogit } from '../../offline/simulate/generative-story';
import {
  crowdingMultiplier,
  drawActions,
  habitLogits,
  repeatMultiplier,
  slotWeight,
} from './platform-story';
import { BUILT_IN_STORY } from './story';

const LATENT = { motivation: 0.5, time_pressure: -1 };

function features(values: Partial<Record<(typeof FEATURE_NAMES)[number], number>>): Float64Array {
  const x = new Float64Array(FEATURE_COUNT);
  for (const [name, value] of Object.entries(values)) {
    x[FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number])] = value;
  }
  return x;
}

describe(slotWeight.name, () => {
  it('is 1, 0.6 and 0.4 for slots 1 to 3, and 0.4 below', () => {
    expect([1, 2, 3, 4, 5].map((slot) => slotWeight(BUILT_IN_STORY, slot))).toEqual([
      1, 0.6, 0.4, 0.4, 0.4,
    ]);
  });
});

describe(repeatMultiplier.name, () => {
  it('is 1 − 0.5^(d/3) for a type delivered d days before, and 1 for one never delivered', () => {
    expect(repeatMultiplier(BUILT_IN_STORY, undefined)).toBe(1);
    expect(repeatMultiplier(BUILT_IN_STORY, 1)).toBeCloseTo(1 - 0.5 ** (1 / 3), 15);
    expect(repeatMultiplier(BUILT_IN_STORY, 1)).toBeCloseTo(0.2062994740159002, 15);
    expect(repeatMultiplier(BUILT_IN_STORY, 3)).toBe(0.5);
    expect(repeatMultiplier(BUILT_IN_STORY, 6)).toBe(0.75);
  });
});

describe(crowdingMultiplier.name, () => {
  it('leaves 2 nudges a week alone, then loses a twelfth per nudge until 14 leave nothing', () => {
    expect(
      [0, 2, 3, 8, 10, 14, 16].map((nudges) => crowdingMultiplier(BUILT_IN_STORY, nudges)),
    ).toEqual([1, 1, 1 - 1 / 12, 1 - 6 / 12, 1 - 8 / 12, 0, 0]);
  });
});

describe(habitLogits.name, () => {
  it("is each action's story shifted down, attending an event taking the likelier of two stories", () => {
    const x = features({ log_buddy_count: 2, log_login_streak: 1, quiz_recency_months: 1 });
    const story = (type: keyof typeof ACTION_STORIES) =>
      actionLogit(ACTION_STORIES[type], x, LATENT) - BUILT_IN_STORY.unprompted_shift;

    const sut = habitLogits(BUILT_IN_STORY, x, LATENT);

    expect(Array.from(sut)).toEqual([
      story('resume'),
      story('project'),
      story('quiz'),
      Math.max(story('event_fomo'), story('comeback')),
    ]);
    // The comeback story is the likelier here: 0.98·2 + 0.59 − 2.6 against −2.47 (+ 0.2 each).
    expect(sut[3]).toBe(story('comeback'));
    expect(BUILT_IN_STORY.unprompted_shift).toBe(4);
  });

  it('never uploads a resume that is already uploaded', () => {
    const sut = habitLogits(
      BUILT_IN_STORY,
      features({ resume_uploaded: 1, peer_resume_share: 1 }),
      LATENT,
    );

    expect(sut[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isFinite(sut[1])).toBe(true);
  });
});

describe(drawActions.name, () => {
  it('sets the bit of each action whose draw falls below sigmoid(habit + effect)', () => {
    // Probabilities: 0.5, sigmoid(−2) = 0.1192, sigmoid(−2 + 2) = 0.5, 0.
    const habits = Float64Array.of(0, -2, -2, Number.NEGATIVE_INFINITY);
    const effects = Float64Array.of(0, 0, 2, 5);

    expect(drawActions(habits, effects, [0.49, 0.12, 0.49, 0])).toBe(0b0101);
    expect(drawActions(habits, effects, [0.5, 0.119, 0.5, 0])).toBe(0b0010);
  });
});
