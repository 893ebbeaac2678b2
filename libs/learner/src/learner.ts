/**
 * The request's learner record, in the API's field names. The API's DTOs implement these
 * interfaces, and the training CLI builds them from simulated users, so both sides share one shape.
 */
export interface LearnerProfile {
  resume_uploaded: boolean;
  goal_tags: string[];
  karma: number;
  projects_added: number;
  /** Quiz topics and/or `YYYY-MM-DD` dates; dates count as quizzes taken. */
  quiz_history: string[];
  clubs_joined: string[];
  buddy_count: number;
}

export interface LearnerActivity {
  login_streak: number;
  posts_created: number;
  buddies_interacted: number;
  last_event_attended?: string | null;
  last_quiz_taken?: string | null;
}

/** An event's display name: one for every language, or one per BCP 47 locale tag. */
export type EventDisplayName = string | Readonly<Record<string, string>>;

export interface PeerSnapshot {
  batch_avg_projects: number;
  batch_resume_uploaded_pct: number;
  batch_event_attendance: Record<string, number>;
  buddies_attending_events: string[];
  /**
   * Display names of events by key, for messages: one name for every language, or a name per
   * locale (`{ "en": "Hackathon 2025", "hi": "हैकाथॉन 2025" }`). A key without one is shown in
   * readable form.
   */
  event_names?: Record<string, EventDisplayName>;
}

export interface LearnerData {
  user_id: string;
  profile: LearnerProfile;
  activity: LearnerActivity;
}

export interface LearnerRecord {
  user_data: LearnerData;
  peer_snapshot: PeerSnapshot;
}
