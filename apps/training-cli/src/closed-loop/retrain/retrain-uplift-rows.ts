import { NUDGE_TYPES } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { lineName, NUDGE_ACTIONS, OUTCOME_ACTIONS, OutcomeAction } from '@app/contract';
import { actedWithin } from '../uplift/uplift';
import { ActionDays, LoggedDecisions, NO_NUDGE } from './retrain-logs';
import {
  ModelRows,
  propensityWeight,
  requireTrainableModels,
  RowOptions,
  RowSet,
  SplitColumns,
  TypeRows,
} from './retrain-rows';

/** An action's rows for its control model: decisions that sent nothing. */
export interface ControlRows {
  readonly action: OutcomeAction;
  readonly train: RowSet;
  readonly test: RowSet;
}

/** The rows of an uplift set: a treated model per nudge type, a control model per action. */
export interface UpliftRows {
  /** ĥ: the share of the log's decisions that are held out. */
  readonly holdoutShare: number;
  /** In NUDGE_TYPES order. */
  readonly treated: readonly TypeRows[];
  /** In OUTCOME_ACTIONS order. */
  readonly controls: readonly ControlRows[];
}

/** The columns of the decisions log the uplift rows are built from. */
export type UpliftColumns = Pick<
  LoggedDecisions,
  | 'table'
  | 'day'
  | 'learner'
  | 'holdout'
  | 'deliveredNothing'
  | 'slotOneType'
  | 'slotOnePropensity'
  | 'slatePropensity'
>;

/** ĥ, the share of decisions held out: the chance a decision was sent nothing by assignment. */
export function holdoutShare(holdout: Uint8Array): number {
  let held = 0;
  for (const flag of holdout) held += flag;
  return held / holdout.length;
}

/**
 * The chance that the logging process sent decision `decision` nothing the way it did: ĥ for a
 * held-out decision, (1 − ĥ)·slate_propensity for a served one whose slate was empty. A served
 * empty decision without slate_propensity cannot be weighed, and stops the command.
 */
export function controlPropensity(
  decisions: Pick<UpliftColumns, 'table' | 'holdout' | 'slatePropensity'>,
  decision: number,
  share: number,
): number {
  if (decisions.holdout[decision] === 1) return share;
  const slate = decisions.slatePropensity[decision];
  if (Number.isNaN(slate)) {
    throw new CliUsageError(
      `${lineName(decisions.table.lineOf(decision))}: slate_propensity: uplift training needs it on a served decision that delivered nothing (the chance the logging policy sent nothing) to weigh it as a control row`,
    );
  }
  return (1 - share) * slate;
}

/**
 * The rows of every treated and control model, split by day.
 *
 * - Treated rows of type k: served decisions whose slot-1 nudge is k, labelled by k's action in
 *   the reward window, weighted min(1/((1 − ĥ)·p1), clip) with p1 the slot-1 propensity: the
 *   chance the decision was served and shown k first. Slots 2 and 3 give no treated rows, so
 *   the treated model is the chance of the action with k in slot 1.
 * - Control rows of action a: decisions that delivered nothing, labelled by a in the window,
 *   weighted min(1/controlPropensity, clip).
 */
export function upliftRows(
  decisions: UpliftColumns,
  actionDays: ActionDays,
  options: RowOptions,
): UpliftRows {
  const share = holdoutShare(decisions.holdout);
  const treated = NUDGE_TYPES.map(() => new SplitColumns(options.testFrom));
  const controls = OUTCOME_ACTIONS.map(() => new SplitColumns(options.testFrom));
  for (let decision = 0; decision < decisions.day.length; decision++) {
    const day = decisions.day[decision];
    const learner = decisions.learner[decision];
    const label = (action: OutcomeAction) =>
      actedWithin(actionDays[action][learner], day, options.rewardDays) ? 1 : 0;
    const t = decisions.slotOneType[decision];
    if (t !== NO_NUDGE) {
      const p1 = (1 - share) * decisions.slotOnePropensity[decision];
      const action = NUDGE_ACTIONS[NUDGE_TYPES[t]];
      treated[t].add(decision, day, label(action), propensityWeight(p1, options.clip));
    } else if (decisions.deliveredNothing[decision] === 1) {
      const p0 = controlPropensity(decisions, decision, share);
      const weight = propensityWeight(p0, options.clip);
      OUTCOME_ACTIONS.forEach((action, a) => controls[a].add(decision, day, label(action), weight));
    }
  }
  return {
    holdoutShare: share,
    treated: NUDGE_TYPES.map((type, t) => ({
      type,
      train: treated[t].train.rowSet(),
      test: treated[t].test.rowSet(),
    })),
    controls: OUTCOME_ACTIONS.map((action, a) => ({
      action,
      train: controls[a].train.rowSet(),
      test: controls[a].test.rowSet(),
    })),
  };
}

/** Each model of an uplift set with its name as the summary and refusals give it. */
export function upliftModelRows(rows: UpliftRows): ModelRows[] {
  return [
    ...rows.treated.map((model) => ({ ...model, name: `treated ${model.type}` })),
    ...rows.controls.map((model) => ({ ...model, name: `control ${model.action}` })),
  ];
}

/**
 * Refuses logs that cannot give every treated and control model its rows: an uplift set
 * missing one could not tell what any nudge of that action changes.
 */
export function requireTrainableUplift(rows: UpliftRows, decisionsPath: string): void {
  requireTrainableModels(upliftModelRows(rows), 'every uplift model', decisionsPath);
}
