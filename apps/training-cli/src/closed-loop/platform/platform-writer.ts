import { join } from 'node:path';
import { decisionLine, EngineState } from '@app/engagement';
import { formatCalendarDate } from '@app/learner';
import { TextFileWriter, writeTextFile } from '../../cli/text-file-writer';
import { CLOSED_LOOP_FILES, NUDGE_ACTIONS, OutcomeRecord } from '@app/contract';
import { actionsOf } from './platform-learner';
import {
  PlatformDecision,
  PlatformRunOptions,
  PlatformSimulator,
  PlatformTally,
} from './platform-simulator';
import { prePeriodLines } from './pre-period';
import { PlatformStory, storyHash } from './story';

/** The simulator's third file, beside the two logs: what the logs should let one measure. */
export const TRUTH_FILE = 'truth.json';

/**
 * A learner's actions, a line each, in day order. An action carries the day's decision when it
 * is what one of the nudges delivered that day asked for: the platform knows what it showed.
 */
export function outcomeLines(
  decisions: readonly PlatformDecision[],
  actions: Uint8Array,
  dateOf: (index: number) => string,
): string {
  let lines = '';
  actions.forEach((mask, i) => {
    const { analysis } = decisions[i];
    for (const action of actionsOf(mask)) {
      const answered = analysis.nudges.some((nudge) => NUDGE_ACTIONS[nudge.type] === action);
      const line: OutcomeRecord = {
        user_id: analysis.user_id,
        action,
        at: dateOf(i),
        ...(answered ? { decision_id: analysis.decision_id } : {}),
      };
      lines += `${JSON.stringify(line)}\n`;
    }
  });
  return lines;
}

/** truth.json: docs/closed-loop.md, "The platform simulator", says what each field is. */
export interface PlatformTruth {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  readonly start: string;
  readonly end: string;
  readonly window_days: number;
  readonly reward_days: number;
  readonly config_hash: string;
  readonly model_version: string | null;
  readonly decisions: number;
  readonly holdout_decisions: number;
  readonly delivered_nudges: number;
  readonly actions: number;
  readonly muted_learners: number;
  readonly rate_with_nudges: number;
  readonly rate_without_nudges: number;
  readonly absolute_lift: number;
  readonly treated_rate: number | null;
  readonly holdout_rate: number | null;
  readonly policy_value: number | null;
  readonly no_nudge_value: number | null;
  readonly policy_lift: number | null;
  /** The story the learners followed: its hash (of its canonical JSON) and its content. */
  readonly story: { readonly hash: string; readonly content: PlatformStory };
}

/** Six decimals: the file is the same on every machine, and no measurement is finer. */
function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : round6(part / whole);
}

export function platformTruth(
  options: PlatformRunOptions,
  state: EngineState,
  tally: PlatformTally,
): PlatformTruth {
  const withNudges = tally.followedWithNudges / tally.decisions;
  const withoutNudges = tally.followedWithoutNudges / tally.decisions;
  const treatedDecisions = tally.decisions - tally.holdoutDecisions;
  return {
    users: options.users,
    days: options.days,
    seed: options.seed,
    start: formatCalendarDate(options.start),
    end: formatCalendarDate(options.start + options.days - 1),
    window_days: options.windowDays,
    reward_days: options.rewardDays,
    config_hash: state.config.hash,
    model_version: state.models?.version ?? null,
    decisions: tally.decisions,
    holdout_decisions: tally.holdoutDecisions,
    delivered_nudges: tally.deliveredNudges,
    actions: tally.actions,
    muted_learners: tally.mutedLearners,
    rate_with_nudges: round6(withNudges),
    rate_without_nudges: round6(withoutNudges),
    absolute_lift: round6(withNudges - withoutNudges),
    treated_rate: share(tally.followedTreated, treatedDecisions),
    holdout_rate: share(tally.followedHoldout, tally.holdoutDecisions),
    policy_value: share(tally.outcomes, treatedDecisions),
    no_nudge_value: share(tally.outcomesWithoutNudges, treatedDecisions),
    policy_lift: share(tally.outcomes - tally.outcomesWithoutNudges, treatedDecisions),
    story: { hash: storyHash(options.story), content: options.story },
  };
}

/** Where a run's three files go. */
export function platformPaths(outDir: string) {
  return {
    decisions: join(outDir, CLOSED_LOOP_FILES.decisions),
    outcomes: join(outDir, CLOSED_LOOP_FILES.outcomes),
    truth: join(outDir, TRUTH_FILE),
  };
}

/**
 * Runs the simulator over every learner, streaming both logs (a learner's lines at a time), then
 * writes truth.json. A failure leaves no log under its real name.
 */
export async function writePlatformRun(
  simulator: PlatformSimulator,
  options: PlatformRunOptions,
  state: EngineState,
  outDir: string,
  onLearner: () => void,
): Promise<PlatformTruth> {
  const paths = platformPaths(outDir);
  const decisionsOut = new TextFileWriter(paths.decisions);
  const outcomesOut = new TextFileWriter(paths.outcomes);
  try {
    await decisionsOut.open();
    await outcomesOut.open();
    for (let i = 0; i < options.users; i++) {
      const { decisions, actions, preActions } = simulator.nextLearner(i);
      await decisionsOut.write(decisions.map((decision) => decisionLine(decision)).join(''));
      // The pre-period's actions come first: they are dated before the first decision.
      const before = prePeriodLines(decisions[0].analysis.user_id, preActions, options.start);
      await outcomesOut.write(
        before + outcomeLines(decisions, actions, (day) => simulator.dateOf(day)),
      );
      onLearner();
    }
    await decisionsOut.close();
    await outcomesOut.close();
  } catch (error) {
    await Promise.all([decisionsOut.abort(), outcomesOut.abort()]);
    throw error;
  }
  const truth = platformTruth(options, state, simulator.tally);
  await writeTextFile(paths.truth, (out) => out.write(`${JSON.stringify(truth, null, 2)}\n`));
  return truth;
}
