import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { BUILT_IN_STORY, mutingThreshold, nudgeEffect, readStory, storyHash } from './story';

const ROOT = join(__dirname, '../../../../..');
const STORIES = join(ROOT, 'config/stories');

/** Each committed story file's hash: a story edited on purpose changes its line here. */
const STORY_HASHES: Readonly<Record<string, string>> = {
  'backfire.json': '45dcf36bb98ec80c',
  'default.json': '9fe9d3f97085e36a',
  'habit-driven.json': 'fe3cfdf5d9302921',
};

function storyFile(name: string): unknown {
  return JSON.parse(readFileSync(join(STORIES, name), 'utf8'));
}

function features(values: Partial<Record<(typeof FEATURE_NAMES)[number], number>>): Float64Array {
  const x = new Float64Array(FEATURE_COUNT);
  for (const [name, value] of Object.entries(values)) {
    x[FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number])] = value;
  }
  return x;
}

const NEVER = (): never => {
  throw new Error('not asked for');
};

describe(readStory.name, () => {
  it('takes the built-in story for every key left out', () => {
    expect(readStory({})).toEqual({ ok: true, story: BUILT_IN_STORY });
  });

  it('reads the committed default story file as the built-in story, key for key', () => {
    expect(readStory(storyFile('default.json'))).toEqual({ ok: true, story: BUILT_IN_STORY });
    expect(storyHash(BUILT_IN_STORY)).toBe(STORY_HASHES['default.json']);
  });

  it('reads every committed story file without a problem, each with its own hash', () => {
    const names = readdirSync(STORIES).filter((name) => name.endsWith('.json'));
    expect(names.sort()).toEqual(Object.keys(STORY_HASHES));

    for (const name of names) {
      const read = readStory(storyFile(name));
      if (!read.ok) throw new Error(`${name}: ${read.problems.join('; ')}`);
      expect({ name, hash: storyHash(read.story) }).toEqual({ name, hash: STORY_HASHES[name] });
    }
  });

  it('overrides only the keys given, a by_feature map as a whole', () => {
    const sut = readStory({
      effects: { quiz: { by_feature: { log_buddy_count: -0.3, never_quizzed: 0.5 } } },
      slot_weights: [1, 0.5],
      muting: { above: { sd: 5 } },
    });

    expect(sut).toEqual({
      ok: true,
      story: {
        ...BUILT_IN_STORY,
        effects: {
          ...BUILT_IN_STORY.effects,
          quiz: { base: 1.3, by_feature: { log_buddy_count: -0.3, never_quizzed: 0.5 } },
        },
        slot_weights: [1, 0.5],
        muting: { above: { mean: 12, sd: 5 }, probability: 0.1 },
      },
    });
  });

  it('names every unknown key, feature or type and every bad value by its path', () => {
    const sut = readStory({
      effects: {
        quizz: { base: 1 },
        resume: { base: '1', by_feature: { buddies: 1, log_karma: Number.NaN } },
      },
      slot_weights: [],
      repeat_half_life_days: 0,
      crowding: { free: 1.5, span: -1 },
      muting: { above: { mean: -1, sd: -2 }, probability: 2, after: 3 },
      story: 'default',
    });

    expect(sut).toEqual({
      ok: false,
      problems: [
        'story is not a story key (expected one of effects, unprompted_shift, slot_weights, repeat_half_life_days, crowding, muting)',
        'effects.quizz is not a story key (expected one of resume, project, quiz, event_fomo, comeback)',
        'muting.after is not a story key (expected one of above, probability)',
        `effects.resume.by_feature.buddies is not a story key (expected one of ${FEATURE_NAMES.join(', ')})`,
        'effects.resume.by_feature.log_karma must be a finite number',
        'effects.resume.base must be a finite number',
        'slot_weights must be an array of 1 to 10 numbers',
        'repeat_half_life_days must be greater than 0',
        'crowding.free must be a whole number of at least 0',
        'crowding.span must be greater than 0',
        'muting.above.mean must be at least 0',
        'muting.above.sd must be at least 0',
        'muting.probability must be from 0 to 1',
      ],
    });
  });

  it('refuses a document that is not an object, and a section that is not one', () => {
    expect(readStory([1])).toEqual({ ok: false, problems: ['the story must be a JSON object'] });
    expect(readStory({ crowding: 3, slot_weights: [1, -0.5] })).toEqual({
      ok: false,
      problems: ['crowding must be a JSON object', 'slot_weights[1] must be at least 0'],
    });
  });
});

describe(nudgeEffect.name, () => {
  it('is the base plus each weighed feature times its value that day', () => {
    const story = readStory({
      effects: {
        event_fomo: { base: 1, by_feature: { never_attended: -2, log_buddy_count: 0.5 } },
        quiz: { base: 1.2, by_feature: {} },
      },
    });
    if (!story.ok) throw new Error(story.problems.join('; '));
    const x = () => features({ never_attended: 1, log_buddy_count: 3 });

    expect(nudgeEffect(story.story, 'event_fomo', x)).toBe(1 - 2 + 1.5);
    expect(nudgeEffect(story.story, 'quiz', NEVER)).toBe(1.2);
  });
});

describe(mutingThreshold.name, () => {
  it('is the rounded mean without spread, drawing nothing', () => {
    const story = { ...BUILT_IN_STORY, muting: { above: { mean: 10.4, sd: 0 }, probability: 0.1 } };

    expect(mutingThreshold(story, NEVER)).toBe(10);
  });

  it('is mean + sd·z rounded, and at least 1', () => {
    const story = { ...BUILT_IN_STORY, muting: { above: { mean: 12, sd: 3 }, probability: 0.1 } };

    expect(mutingThreshold(story, () => 0.4)).toBe(13);
    expect(mutingThreshold(story, () => -1)).toBe(9);
    expect(mutingThreshold(story, () => -10)).toBe(1);
  });
});
