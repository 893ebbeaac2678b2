/**
 * The policies the closed-loop report compares, each a change to the engine config (merged over
 * the base config section by section) and a model set. Written out so the report can print them.
 */
export interface ReportPolicy {
  readonly key: string;
  readonly label: string;
  /** Config sections merged over the base one level deep; a number (`max_nudges`) replaces. */
  readonly overrides: Readonly<Record<string, Readonly<Record<string, unknown>> | number>>;
  /** `deployed`: the models beside the base config; `none`: rules only; `retrained`: from the logs. */
  readonly models: 'deployed' | 'none' | 'retrained';
}

/** The policy the others' action rates are compared with. */
export const NO_NUDGES = 'no-nudges';

const NO_COOLDOWN = { resume: 0, project: 0, quiz: 0, event_fomo: 0, comeback: 0 };

/**
 * Every policy holds out the learners the logging policy holds out (same share, same salt), so
 * each value, true or estimated, is a mean over the same served learners.
 */
const SAME_HOLDOUT = { holdout_percent: 10 };

export const REPORT_POLICIES: readonly ReportPolicy[] = [
  {
    key: NO_NUDGES,
    label: 'no nudges (as the holdout)',
    // A weekly cap of 0 leaves no room: the engine decides, and nothing is delivered.
    overrides: { assignment: SAME_HOLDOUT, fatigue: { max_nudges_per_7_days: 0 } },
    models: 'deployed',
  },
  {
    key: 'rules-no-fatigue',
    label: "the seed report's behaviour: rules only, no fatigue",
    overrides: {
      assignment: SAME_HOLDOUT,
      fatigue: { cooldown_days: NO_COOLDOWN, max_nudges_per_7_days: 1000, recency_penalty: 0 },
    },
    models: 'none',
  },
  {
    key: 'ours',
    label: 'ours: rules and models, with fatigue',
    overrides: { assignment: SAME_HOLDOUT },
    models: 'deployed',
  },
  {
    key: 'ours-one-slot',
    label: 'ours, one nudge at a time (max_nudges 1)',
    overrides: { assignment: SAME_HOLDOUT, max_nudges: 1 },
    models: 'deployed',
  },
  {
    key: 'ours-retrained',
    label: 'ours, with models retrained from the logs',
    overrides: { assignment: SAME_HOLDOUT },
    models: 'retrained',
  },
];

/** The policy that writes the logs: ours, exploring a little, with a holdout to measure against. */
export const LOGGING_POLICY: ReportPolicy = {
  key: 'logging',
  label: 'ours with a 10% holdout and ε = 0.1 (writes the logs)',
  overrides: {
    assignment: SAME_HOLDOUT,
    policy: { exploration_epsilon: 0.1 },
  },
  models: 'deployed',
};

/** For the coverage runs: a holdout large enough that 1,000 learners give both arms a sample. */
export const COVERAGE_POLICY: ReportPolicy = {
  key: 'coverage',
  label: 'ours with a 20% holdout',
  overrides: { assignment: { holdout_percent: 20 } },
  models: 'deployed',
};

/** The base config with a policy's sections merged over it, one level deep per section. */
export function policyConfig(
  base: Record<string, unknown>,
  policy: ReportPolicy,
): Record<string, unknown> {
  const config: Record<string, unknown> = { ...base };
  for (const [section, values] of Object.entries(policy.overrides)) {
    if (typeof values === 'number') {
      config[section] = values;
      continue;
    }
    const current = base[section];
    config[section] = {
      ...(typeof current === 'object' && current !== null ? current : {}),
      ...values,
    };
  }
  return config;
}
