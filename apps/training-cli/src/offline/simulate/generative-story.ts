import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { FEATURE_NAMES, FeatureName } from '@app/ml';
import { LatentTraits } from './learner-simulator';

/**
 * How likely a learner is to act on each nudge. The log-odds are linear in the contract's
 * features (what the platform can see) plus a small direct push from the hidden traits, so a
 * logistic model can get close to, but not reach, the best possible ranking.
 */
export interface ActionStory {
  /** What "acting on the nudge" means, for the report. */
  readonly action: string;
  readonly intercept: number;
  readonly features: Readonly<Partial<Record<FeatureName, number>>>;
  readonly latent: Readonly<Record<keyof LatentTraits, number>>;
}

export const ACTION_STORIES: Readonly<Record<NudgeType, ActionStory>> = {
  resume: {
    action: 'uploads or refreshes a resume',
    intercept: -6.5,
    features: {
      resume_uploaded: -3.38,
      peer_resume_share: 5.2,
      log_karma: 0.59,
      goal_tag_count: 0.52,
      log_login_streak: 0.45,
    },
    latent: { motivation: 0.1, time_pressure: -0.1 },
  },
  project: {
    action: 'adds a project',
    intercept: -5.07,
    features: {
      peer_avg_projects: 1.17,
      projects_added: 0.59,
      log_login_streak: 0.72,
      goal_tag_count: 0.45,
      clubs_joined: 0.39,
    },
    latent: { motivation: 0.1, time_pressure: -0.15 },
  },
  quiz: {
    action: 'takes a quiz',
    intercept: -1.3,
    features: {
      quizzes_taken: 0.23,
      quiz_recency_months: -1.17,
      never_quizzed: -0.98,
      goal_tag_count: 0.39,
      log_login_streak: 0.59,
    },
    latent: { motivation: 0.1, time_pressure: -0.15 },
  },
  event_fomo: {
    action: 'goes to an event',
    intercept: -2.47,
    features: {
      buddy_event_count: 0.78,
      log_peer_event_max: 0.65,
      log_buddies_interacted: 0.52,
      clubs_joined: 0.26,
      event_recency_months: -0.85,
      never_attended: -1.04,
    },
    latent: { motivation: 0.1, time_pressure: -0.15 },
  },
  comeback: {
    action: 'comes back to an event after a break',
    intercept: -2.6,
    features: {
      log_buddy_count: 0.98,
      log_buddies_interacted: 0.78,
      log_posts_created: 0.59,
      log_login_streak: 0.59,
      event_recency_months: -0.78,
    },
    latent: { motivation: 0.1, time_pressure: -0.15 },
  },
};

const FEATURE_INDEX = new Map<string, number>(FEATURE_NAMES.map((name, i) => [name, i]));

export function actionLogit(story: ActionStory, x: Float64Array, latent: LatentTraits): number {
  let z = story.intercept;
  for (const [name, weight] of Object.entries(story.features)) {
    z += weight * x[FEATURE_INDEX.get(name)!];
  }
  return (
    z +
    story.latent.motivation * latent.motivation +
    story.latent.time_pressure * latent.time_pressure
  );
}

/** p_true for each nudge type, in NUDGE_TYPES order. */
export function actionProbabilities(x: Float64Array, latent: LatentTraits): Float64Array {
  return Float64Array.from(
    NUDGE_TYPES,
    (type) => 1 / (1 + Math.exp(-actionLogit(ACTION_STORIES[type], x, latent))),
  );
}

/** The story in plain words, printed at the top of the classification report. */
export const STORY_SUMMARY = [
  'Each simulated learner has two hidden traits, motivation and time pressure (standard normal).',
  'Motivation raises karma, streaks, posts, projects, quizzes, clubs and event attendance; time',
  'pressure lowers the daily activity and lengthens the time since the last quiz and event.',
  'For each nudge type the log-odds that the learner would act on it are a weighted sum of the',
  "observed features (the API's feature vector) plus a small direct effect of the hidden traits;",
  'p_true_<type> is that probability and should_nudge_<type> is one Bernoulli draw from it.',
  'The oracle AUC ranks test rows by p_true: no model of the observed features can beat it on average.',
];
