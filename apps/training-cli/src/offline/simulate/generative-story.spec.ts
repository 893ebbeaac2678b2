import { NUDGE_TYPES } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { ACTION_STORIES, actionLogit, actionProbabilities } from './generative-story';

describe(actionProbabilities.name, () => {
  it('is the sigmoid of the intercept, the weighted features and the latent traits', () => {
    const x = new Float64Array(FEATURE_COUNT);
    x[FEATURE_NAMES.indexOf('resume_uploaded')] = 1;
    x[FEATURE_NAMES.indexOf('peer_resume_share')] = 0.8;
    const latent = { motivation: 1, time_pressure: -1 };
    const story = ACTION_STORIES.resume;
    const expected =
      story.intercept +
      story.features.resume_uploaded! +
      0.8 * story.features.peer_resume_share! +
      story.latent.motivation -
      story.latent.time_pressure;

    const sut = actionProbabilities(x, latent);

    expect(actionLogit(story, x, latent)).toBeCloseTo(expected, 12);
    expect(sut[NUDGE_TYPES.indexOf('resume')]).toBeCloseTo(1 / (1 + Math.exp(-expected)), 12);
    expect(sut).toHaveLength(NUDGE_TYPES.length);
  });

  it('gives the hidden traits a small direct effect next to the features', () => {
    for (const type of NUDGE_TYPES) {
      const { latent } = ACTION_STORIES[type];
      expect(Math.abs(latent.motivation) + Math.abs(latent.time_pressure)).toBeLessThanOrEqual(
        0.25,
      );
    }
  });
});
