import type { EngagementAnalysis } from '../answer/analysis';

/** The documented example learner; "Try it out" in /docs sends it as is. */
export const EXAMPLE_REQUEST = {
  user_data: {
    user_id: 'stu_7023',
    profile: {
      resume_uploaded: false,
      goal_tags: ['GRE', 'data science'],
      karma: 190,
      projects_added: 0,
      quiz_history: ['2025-06-01', 'python'],
      clubs_joined: [],
      buddy_count: 3,
    },
    activity: {
      login_streak: 2,
      posts_created: 1,
      buddies_interacted: 0,
      last_event_attended: '2025-06-14',
      last_quiz_taken: '2025-06-01',
    },
  },
  peer_snapshot: {
    batch_avg_projects: 2,
    batch_resume_uploaded_pct: 84,
    batch_event_attendance: { 'startup-meetup': 5, 'coding-contest': 9 },
    buddies_attending_events: ['coding-contest'],
  },
  as_of: '2025-06-30',
};

/** The committed model set's version and the committed config's hash (with its catalogs). */
export const COMMITTED_MODEL_VERSION = '3942fe755af03f3b';
export const COMMITTED_CONFIG_HASH = '18b5ac518d2542df';

/**
 * The service's answer to EXAMPLE_REQUEST with the committed config and models, made with
 * decision id `0197c1a2-…` (without one, the service makes a new id per call): the rules fill all
 * three places, so no model is consulted. The OpenAPI document shows it, and its e2e suite checks
 * that the service still answers so, the policy version (model set / config hash) included.
 */
export const EXAMPLE_ANALYSIS: EngagementAnalysis = {
  user_id: 'stu_7023',
  status: 'generated',
  as_of: '2025-06-30',
  locale: 'en',
  decision_id: '0197c1a2-5e00-7d1c-9a3e-2b4f6c8d0e1f',
  assignment: { holdout: false, bucket: 0.6919 },
  policy_version: `${COMMITTED_MODEL_VERSION}/${COMMITTED_CONFIG_HASH}`,
  nudges: [
    {
      type: 'resume',
      title: "84% of your peers have uploaded a resume. You haven't yet!",
      action: 'Upload your resume',
      priority: 'high',
      source: 'rule',
      score: 0.84,
      rank: 1,
      propensity: 1,
      message_key: 'resume_peer_gap',
      params: { share: 0.84, pct: 84 },
      reasons: [
        "84% of this learner's batch have a resume and this learner has none (the rule fires above 70%).",
      ],
      evidence: [
        {
          rule: 'resume_peer_gap',
          inputs: { batch_resume_uploaded_pct: 84, resume_uploaded: false },
          threshold: 70,
        },
      ],
      merged_types: [],
    },
    {
      type: 'comeback',
      title: "It's been 16 days since your last event. There's one for every schedule.",
      action: 'Find an event to join this week',
      priority: 'high',
      source: 'rule',
      score: 0.76,
      rank: 2,
      propensity: 1,
      message_key: 'comeback',
      params: { days: 16, gap: '16 days' },
      reasons: ['The last event was 16 days ago (the rule fires after 5 days).'],
      evidence: [{ rule: 'comeback', inputs: { days_since_last_event: 16 }, threshold: 5 }],
      merged_types: [],
    },
    {
      type: 'quiz',
      title: "It's been 29 days since your last quiz. Keep your skills sharp!",
      action: 'Take a quiz today',
      priority: 'medium',
      source: 'rule',
      score: 0.81,
      rank: 3,
      propensity: 1,
      message_key: 'quiz_inactive',
      params: { days: 29, gap: '29 days' },
      reasons: ['The last quiz was 29 days ago (the rule fires after 7 days).'],
      evidence: [{ rule: 'quiz_inactive', inputs: { days_since_last_quiz: 29 }, threshold: 7 }],
      merged_types: [],
    },
  ],
  slate_propensity: 1,
  candidates: [
    { type: 'resume', source: 'rule', score: 0.84 },
    { type: 'comeback', source: 'rule', score: 0.76 },
    { type: 'quiz', source: 'rule', score: 0.81 },
    { type: 'project', source: 'rule', score: 0.57 },
  ],
  suppressed: [],
  fomo: {
    score: 0.5,
    level: 'medium',
    days_since_last_event: 16,
    factors: { buddies: 0.33, batch: 0.7, recency: 0.53 },
  },
  model_version: COMMITTED_MODEL_VERSION,
};

/**
 * The example learner with what the platform already delivered and its own decision id: the quiz
 * nudge of yesterday rests, the resume nudge dismissed ten days ago too.
 */
export const EXAMPLE_HISTORY_REQUEST = {
  ...EXAMPLE_REQUEST,
  decision_id: 'dec-2025-06-30-stu_7023',
  history: [
    { type: 'quiz', sent_at: '2025-06-29T09:30:00Z', outcome: 'ignored' },
    { type: 'resume', sent_at: '2025-06-20', outcome: 'dismissed' },
  ],
};

/** A batch of the example learner and another, with a resume and more karma. */
export const EXAMPLE_BATCH_REQUEST = {
  as_of: '2025-06-30',
  items: [
    EXAMPLE_REQUEST,
    {
      ...EXAMPLE_REQUEST,
      user_data: {
        ...EXAMPLE_REQUEST.user_data,
        user_id: 'stu_7024',
        profile: { ...EXAMPLE_REQUEST.user_data.profile, resume_uploaded: true, karma: 420 },
      },
    },
  ],
};
