/** The rule thresholds (`profile_rules`, `engagement_rules` in config.json). */
export interface RulesConfig {
  readonly profile_rules: {
    /** Share of peers (0..1) with a resume above which a missing resume is nudged. */
    readonly resume_threshold: number;
    readonly projects_avg_threshold: number;
    readonly event_fomo_threshold: number;
  };
  readonly engagement_rules: {
    readonly buddies_event_threshold: number;
    readonly event_peer_threshold: number;
    readonly quiz_inactive_days: number;
    readonly user_inactive_days: number;
    /** Days without an event after which the FOMO nudge fires whatever the score. */
    readonly event_gap_days: number;
  };
}

export const DEFAULT_RULES_CONFIG: RulesConfig = {
  profile_rules: { resume_threshold: 0.7, projects_avg_threshold: 1.5, event_fomo_threshold: 0.6 },
  engagement_rules: {
    buddies_event_threshold: 3,
    event_peer_threshold: 10,
    quiz_inactive_days: 7,
    user_inactive_days: 5,
    event_gap_days: 30,
  },
};
