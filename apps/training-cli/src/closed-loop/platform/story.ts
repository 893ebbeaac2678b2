import { canonicalJson, shortHash } from '@app/engagement';
import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { FEATURE_NAMES } from '@app/ml';

/** What a delivered nudge of one type does to the log-odds of its action: τ(x) = base + Σ w_f·x_f. */
export interface NudgeEffect {
  readonly base: number;
  /** Weights on the learner's model features that day (FEATURE_NAMES), absent ones 0. */
  readonly by_feature: Readonly<Record<string, number>>;
}

/**
 * The platform simulator's story as data (docs/closed-loop.md, "The story file"): how learners respond
 * to nudges. Every number here is the truth the closed loop's measurements are checked against.
 */
export interface PlatformStory {
  readonly effects: Readonly<Record<NudgeType, NudgeEffect>>;
  /** Subtracted from the "would act on a nudge" log-odds: unprompted, actions are rare. */
  readonly unprompted_shift: number;
  /** A lower slot is seen less: its effect is scaled by this (slots past the last as the last). */
  readonly slot_weights: readonly number[];
  /** A type delivered d days before works 1 − 0.5^(d / this) as well. */
  readonly repeat_half_life_days: number;
  /** Nudges of the past week beyond `free` crowd each other out until `free` + `span` leave none. */
  readonly crowding: { readonly free: number; readonly span: number };
  /**
   * Each learner mutes nudges, with `probability` a day, once more than their own threshold of
   * them arrived over 7 days; the threshold is drawn once per learner from the normal `above`.
   */
  readonly muting: {
    readonly above: { readonly mean: number; readonly sd: number };
    readonly probability: number;
  };
}

/**
 * The value of every key a story file leaves out: the default story, which
 * `config/stories/default.json` spells out in full (docs/closed-loop.md, "The story file", argues
 * each number).
 */
export const BUILT_IN_STORY: PlatformStory = {
  effects: {
    resume: {
      base: 0.1,
      by_feature: { peer_resume_share: 1.5, goal_tag_count: 0.3, log_login_streak: -0.2 },
    },
    project: {
      base: -0.3,
      by_feature: {
        projects_added: 0.4,
        quizzes_taken: 0.1,
        never_quizzed: -0.8,
        peer_avg_projects: 0.4,
        log_login_streak: -0.2,
      },
    },
    quiz: {
      base: 1.3,
      by_feature: { quiz_recency_months: 0.7, never_quizzed: -1.5, log_login_streak: -0.4 },
    },
    event_fomo: {
      base: 0.3,
      by_feature: {
        buddy_event_count: 0.7,
        log_buddies_interacted: 0.7,
        never_attended: -0.6,
        log_login_streak: -0.2,
      },
    },
    comeback: {
      base: -0.6,
      by_feature: { event_recency_months: 0.7, never_attended: -1.0, log_buddy_count: 0.3 },
    },
  },
  unprompted_shift: 4,
  slot_weights: [1, 0.6, 0.4],
  repeat_half_life_days: 3,
  crowding: { free: 2, span: 12 },
  muting: { above: { mean: 12, sd: 3 }, probability: 0.1 },
};

/** More slots than any answer has: a longer list is a mistake. */
const MAX_SLOT_WEIGHTS = 10;

type Check = (value: number) => string | undefined;

const finite: Check = () => undefined;
const atLeast =
  (min: number): Check =>
  (value) =>
    value >= min ? undefined : `must be at least ${min}`;
const positive: Check = (value) => (value > 0 ? undefined : 'must be greater than 0');
const probability: Check = (value) =>
  value >= 0 && value <= 1 ? undefined : 'must be from 0 to 1';
const wholeAtLeast0: Check = (value) =>
  Number.isInteger(value) && value >= 0 ? undefined : 'must be a whole number of at least 0';

/** Reads a story file's document into a whole story, naming every bad key by its path. */
class StoryReader {
  readonly problems: string[] = [];

  number(value: unknown, fallback: number, path: string, check: Check = finite): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problems.push(`${path} must be a finite number`);
      return fallback;
    }
    const problem = check(value);
    if (problem !== undefined) this.problems.push(`${path} ${problem}`);
    return value;
  }

  /** The object at `path` (an empty one when absent), its keys checked against `known`. */
  object(value: unknown, path: string, known: readonly string[]): Record<string, unknown> {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push(`${path || 'the story'} must be a JSON object`);
      return {};
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        const where = path === '' ? key : `${path}.${key}`;
        this.problems.push(`${where} is not a story key (expected one of ${known.join(', ')})`);
      }
    }
    return record;
  }

  effect(value: unknown, fallback: NudgeEffect, path: string): NudgeEffect {
    const effect = this.object(value, path, ['base', 'by_feature']);
    const weights = this.object(effect.by_feature, `${path}.by_feature`, FEATURE_NAMES);
    const byFeature =
      effect.by_feature === undefined
        ? fallback.by_feature
        : Object.fromEntries(
            FEATURE_NAMES.filter((name) => weights[name] !== undefined).map((name) => [
              name,
              this.number(weights[name], 0, `${path}.by_feature.${name}`),
            ]),
          );
    return { base: this.number(effect.base, fallback.base, `${path}.base`), by_feature: byFeature };
  }

  slotWeights(value: unknown, fallback: readonly number[], path: string): readonly number[] {
    if (value === undefined) return fallback;
    if (!Array.isArray(value) || value.length < 1 || value.length > MAX_SLOT_WEIGHTS) {
      this.problems.push(`${path} must be an array of 1 to ${MAX_SLOT_WEIGHTS} numbers`);
      return fallback;
    }
    return value.map((weight, i) => this.number(weight, 0, `${path}[${i}]`, atLeast(0)));
  }
}

/**
 * A story from a story file's parsed JSON: every key optional, an absent one the built-in
 * story's; an unknown key, feature name or nudge type, or a value out of range, is a problem
 * named by its key path. Returns the story, or the problems.
 */
export function readStory(
  document: unknown,
): { ok: true; story: PlatformStory } | { ok: false; problems: string[] } {
  const at = new StoryReader();
  const base = BUILT_IN_STORY;
  const root = at.object(document, '', [
    'effects',
    'unprompted_shift',
    'slot_weights',
    'repeat_half_life_days',
    'crowding',
    'muting',
  ]);
  const effects = at.object(root.effects, 'effects', NUDGE_TYPES);
  const crowding = at.object(root.crowding, 'crowding', ['free', 'span']);
  const muting = at.object(root.muting, 'muting', ['above', 'probability']);
  const above = at.object(muting.above, 'muting.above', ['mean', 'sd']);
  const story: PlatformStory = {
    effects: Object.fromEntries(
      NUDGE_TYPES.map((type) => [
        type,
        at.effect(effects[type], base.effects[type], `effects.${type}`),
      ]),
    ) as Record<NudgeType, NudgeEffect>,
    unprompted_shift: at.number(root.unprompted_shift, base.unprompted_shift, 'unprompted_shift'),
    slot_weights: at.slotWeights(root.slot_weights, base.slot_weights, 'slot_weights'),
    repeat_half_life_days: at.number(
      root.repeat_half_life_days,
      base.repeat_half_life_days,
      'repeat_half_life_days',
      positive,
    ),
    crowding: {
      free: at.number(crowding.free, base.crowding.free, 'crowding.free', wholeAtLeast0),
      span: at.number(crowding.span, base.crowding.span, 'crowding.span', positive),
    },
    muting: {
      above: {
        mean: at.number(above.mean, base.muting.above.mean, 'muting.above.mean', atLeast(0)),
        sd: at.number(above.sd, base.muting.above.sd, 'muting.above.sd', atLeast(0)),
      },
      probability: at.number(
        muting.probability,
        base.muting.probability,
        'muting.probability',
        probability,
      ),
    },
  };
  return at.problems.length === 0 ? { ok: true, story } : { ok: false, problems: at.problems };
}

/**
 * τ_k(x): the effect of a nudge of `type` on its action's log-odds for features `x` (asked for
 * once per weighed feature; the caller keeps them), in slot 1.
 */
export function nudgeEffect(story: PlatformStory, type: NudgeType, x: () => Float64Array): number {
  const { base, by_feature } = story.effects[type];
  let effect = base;
  for (const [name, weight] of Object.entries(by_feature)) {
    effect += weight * x()[FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number])];
  }
  return effect;
}

/** A learner's muting threshold: drawn once from the story's normal, rounded, at least 1. */
export function mutingThreshold(story: PlatformStory, normal: () => number): number {
  const { mean, sd } = story.muting.above;
  return Math.max(1, Math.round(sd === 0 ? mean : mean + sd * normal()));
}

/** A story's name in truth.json: the short hash of its canonical JSON, as a config's is. */
export function storyHash(story: PlatformStory): string {
  return shortHash(canonicalJson(story));
}
