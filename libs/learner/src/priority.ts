/** How urgent a nudge is; rankings put high before medium before low. */
export const PRIORITIES = ['high', 'medium', 'low'] as const;

export type Priority = (typeof PRIORITIES)[number];
