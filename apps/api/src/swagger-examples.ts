import type { EngagementAnalysis } from '@app/engagement';

/** SPEC's example request; "Try it out" in /docs sends it as is. */
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

/** The service's real answer to EXAMPLE_REQUEST (an e2e test keeps the two in step). */
export const EXAMPLE_ANALYSIS: EngagementAnalysis = {
  user_id: 'stu_7023',
  status: 'generated',
  as_of: '2025-06-30',
  nudges: [],
  fomo: {
    score: 0.5,
    level: 'medium',
    days_since_last_event: 16,
    factors: { buddies: 0.33, batch: 0.7, recency: 0.53 },
  },
  model_version: null,
};
