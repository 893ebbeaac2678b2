/** The kinds of nudge the engine gives, in the order ties are broken. */
export const NUDGE_TYPES = ['resume', 'project', 'quiz', 'event_fomo', 'comeback'] as const;

export type NudgeType = (typeof NUDGE_TYPES)[number];
