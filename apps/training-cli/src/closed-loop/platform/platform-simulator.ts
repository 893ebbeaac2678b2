import {
  DeliveredNudgeDto,
  EngagementAnalysis,
  validateAnalyzeRequest,
  SlottedNudge,
} from '@app/contract';
import { analyzeLearner, EngineState } from '@app/engagement';
import { CalendarDay, deriveSignals, formatCalendarDate, LearnerRecord } from '@app/learner';
import { encodeFeatures } from '@app/ml';
import {
  simulateLearner,
  simulateSnapshot,
  SimulatedLearner,
  SimulatedSnapshot,
  userId,
} from '../../offline/simulate/learner-simulator';
import { Random, RANDOM_STREAMS } from '../../cli/random';
import { deliveryHistory, enterWorld, LearnerWorld, liveDay } from './platform-learner';
import { ACTION_COUNT } from './platform-story';
import { livePrePeriod } from './pre-period';
import { mutingThreshold, PlatformStory } from './story';

/** Peer groups, as the `simulate` step makes them. */
export const PEER_GROUPS = 10;

export interface PlatformRunOptions {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  /** Day 0: the first decision's day, and the day the learners are simulated as of. */
  readonly start: CalendarDay;
  readonly windowDays: number;
  readonly rewardDays: number;
  /** Days each learner lives before day 0, with no decisions and no nudges; none when left out. */
  readonly preDays?: number;
  /** How the learners respond to nudges. */
  readonly story: PlatformStory;
}

/** The analyze request the platform sends: the record as of today, the id and the history. */
export interface PlatformRequest {
  readonly user_data: LearnerRecord['user_data'];
  readonly peer_snapshot: LearnerRecord['peer_snapshot'];
  readonly as_of: string;
  readonly decision_id: string;
  readonly history: readonly DeliveredNudgeDto[];
}

/** One decision of the world that is logged, as the platform saw it. */
export interface PlatformDecision {
  readonly analysis: EngagementAnalysis;
  readonly request: PlatformRequest;
  /** The feature vector the models saw (FEATURE_NAMES order). */
  readonly features: Float64Array;
}

/** What the platform delivers to a learner on a day of one world. */
export type Platform = (world: LearnerWorld, index: number) => SlottedNudge[];

/** Counts over the whole run, from which truth.json is computed. */
export interface PlatformTally {
  decisions: number;
  holdoutDecisions: number;
  deliveredNudges: number;
  actions: number;
  /** Decisions followed by an action within the window, in each world and each logged arm. */
  followedWithNudges: number;
  followedWithoutNudges: number;
  followedTreated: number;
  followedHoldout: number;
  /**
   * Outcomes (an action within the reward window) of the decisions not held out, in the world
   * with the engine's nudges and in the same learners' world without: the policy's value and
   * the value of sending nothing, over the learners the policy serves.
   */
  outcomes: number;
  outcomesWithoutNudges: number;
  /** Learners who muted nudges in the world with nudges. */
  mutedLearners: number;
}

export function emptyTally(): PlatformTally {
  return {
    decisions: 0,
    holdoutDecisions: 0,
    deliveredNudges: 0,
    actions: 0,
    followedWithNudges: 0,
    followedWithoutNudges: 0,
    followedTreated: 0,
    followedHoldout: 0,
    outcomes: 0,
    outcomesWithoutNudges: 0,
    mutedLearners: 0,
  };
}

/** One learner's part of the logs: the decisions in day order, then what they did. */
export interface LearnerLogs {
  readonly decisions: readonly PlatformDecision[];
  /** Each day's actions as a bit mask (bit i: OUTCOME_ACTIONS[i]) in the logged world. */
  readonly actions: Uint8Array;
  /** The same for the pre-period's days, oldest first: the last is the day before day 0. */
  readonly preActions: Uint8Array;
}

/** Deterministic, so a rerun logs the same ids and the engine explores the same way. */
export function simulatedDecisionId(seed: number, user: string, index: number): string {
  return `sim-${seed}-${user}-${index}`;
}

const ANY_ACTION = (1 << ACTION_COUNT) - 1;

/** Past any window: no action is coming. */
const NEVER = 0x7fffffff;

/**
 * For each day, the first day from it on whose mask has any of `bits`, or NEVER: each decision's
 * window is then one comparison.
 */
export function nextActionDays(actions: Uint8Array, bits: number): Int32Array {
  const next = new Int32Array(actions.length);
  let upcoming = NEVER;
  for (let i = actions.length - 1; i >= 0; i--) {
    if ((actions[i] & bits) !== 0) upcoming = i;
    next[i] = upcoming;
  }
  return next;
}

/**
 * Decisions (one a day) followed by an action within `windowDays`, the decision's day included.
 * The window ends with the simulated days, as it does for `uplift` reading the logs.
 */
export function followedDecisions(actions: Uint8Array, windowDays: number): number {
  const next = nextActionDays(actions, ANY_ACTION);
  let followed = 0;
  for (let i = 0; i < actions.length; i++) if (next[i] < i + windowDays) followed++;
  return followed;
}

/** The nudges of an answer in their slots; held-out learners get theirs only in the twin world. */
function slotted(nudges: EngagementAnalysis['nudges'] | undefined): SlottedNudge[] {
  return (nudges ?? []).map((nudge) => ({ type: nudge.type, slot: nudge.rank }));
}

/**
 * A simulated platform run: learners as the `simulate` step makes them, each lived through the
 * days twice on common random numbers, once with the nudges the engine answers and once without.
 * The world the engine's assignment puts the learner in is the one that is logged.
 */
export class PlatformSimulator {
  private readonly population: Random;
  private readonly snapshots: SimulatedSnapshot[];
  private readonly dates: string[];
  readonly tally = emptyTally();

  constructor(
    private readonly options: PlatformRunOptions,
    private readonly state: EngineState,
  ) {
    this.population = new Random(options.seed, RANDOM_STREAMS.platform);
    this.snapshots = Array.from({ length: PEER_GROUPS }, (_, i) =>
      simulateSnapshot(this.population, i),
    );
    this.dates = Array.from({ length: options.days }, (_, i) =>
      formatCalendarDate(options.start + i),
    );
  }

  /** The next learner's logged decisions and actions; call once per learner, in order. */
  nextLearner(index: number): LearnerLogs {
    const { users, start } = this.options;
    const snapshot = this.snapshots[this.population.int(this.snapshots.length)];
    const learner = simulateLearner(this.population, userId(index, users), snapshot, start);
    // Each learner's days draw from a generator of their own, so both worlds draw alike and the
    // population does not depend on --days.
    const daySeed = this.population.nextUint32();
    // Drawn from a stream of its own, so a story without spread leaves every other draw as is;
    // the stream is made only when the story has a spread to draw.
    const mutesAbove = mutingThreshold(this.options.story, () =>
      new Random(daySeed, RANDOM_STREAMS.muting).normal(),
    );
    const preDays = this.options.preDays ?? 0;
    const preActions =
      preDays === 0
        ? new Uint8Array(0)
        : livePrePeriod(
            enterWorld(this.options.story, learner, snapshot, start, mutesAbove).habits,
            daySeed,
            preDays,
          );
    const decisions: PlatformDecision[] = [];
    const logged = this.live(learner, snapshot, daySeed, mutesAbove, (world, i) => {
      const decision = this.decide(world, i);
      decisions.push(decision);
      return slotted(decision.analysis.nudges);
    });
    const holdout = decisions[0].analysis.assignment.holdout;
    // The twin: a held-out learner as if nudged (what the engine would have sent), anyone else
    // never nudged.
    const twin = holdout
      ? this.live(learner, snapshot, daySeed, mutesAbove, (world, i) =>
          slotted(this.decide(world, i).analysis.would_have_sent),
        )
      : this.live(learner, snapshot, daySeed, mutesAbove, () => []);
    this.count(decisions, logged, twin, holdout);
    return { decisions, actions: logged.actions, preActions };
  }

  dateOf(index: number): string {
    return this.dates[index];
  }

  private live(
    learner: SimulatedLearner,
    snapshot: SimulatedSnapshot,
    daySeed: number,
    mutesAbove: number,
    platform: Platform,
  ): { actions: Uint8Array; muted: boolean } {
    const { start, story } = this.options;
    const world = enterWorld(story, learner, snapshot, start, mutesAbove);
    const random = new Random(daySeed, RANDOM_STREAMS.platform);
    const actions = new Uint8Array(this.options.days);
    const draws = new Float64Array(ACTION_COUNT + 1);
    for (let i = 0; i < actions.length; i++) {
      const delivered = platform(world, i);
      for (let k = 0; k < draws.length; k++) draws[k] = random.uniform();
      actions[i] = liveDay(world, start + i, this.dates[i], delivered, draws);
    }
    return { actions, muted: world.muted };
  }

  /** Asks the engine, in process, what to send this learner today. */
  private decide(world: LearnerWorld, index: number): PlatformDecision {
    const day = this.options.start + index;
    const { user_data, peer_snapshot } = world.record;
    const request: PlatformRequest = {
      user_data,
      peer_snapshot,
      as_of: this.dates[index],
      decision_id: simulatedDecisionId(this.options.seed, user_data.user_id, index),
      history: deliveryHistory(
        world.deliveries,
        day,
        (past) => this.dates[past - this.options.start],
      ),
    };
    const valid = validateAnalyzeRequest(request, day);
    if (!valid.ok) {
      const problems = valid.errors.map((error) => `${error.path} ${error.message}`).join('; ');
      throw new Error(`the platform built an invalid request ${request.decision_id}: ${problems}`);
    }
    const features = encodeFeatures(deriveSignals(world.record, day));
    return { analysis: analyzeLearner(valid.value, this.state), request, features };
  }

  private count(
    decisions: readonly PlatformDecision[],
    logged: { actions: Uint8Array; muted: boolean },
    twin: { actions: Uint8Array; muted: boolean },
    holdout: boolean,
  ): void {
    const { windowDays, rewardDays } = this.options;
    const tally = this.tally;
    const followedLogged = followedDecisions(logged.actions, windowDays);
    const followedTwin = followedDecisions(twin.actions, windowDays);
    tally.decisions += decisions.length;
    for (const mask of logged.actions) tally.actions += popcount(mask);
    if ((holdout ? twin : logged).muted) tally.mutedLearners++;
    if (holdout) {
      tally.holdoutDecisions += decisions.length;
      tally.followedHoldout += followedLogged;
      tally.followedWithoutNudges += followedLogged;
      tally.followedWithNudges += followedTwin;
    } else {
      tally.followedTreated += followedLogged;
      tally.followedWithNudges += followedLogged;
      tally.followedWithoutNudges += followedTwin;
      tally.outcomes += followedDecisions(logged.actions, rewardDays);
      tally.outcomesWithoutNudges += followedDecisions(twin.actions, rewardDays);
      for (const { analysis } of decisions) tally.deliveredNudges += analysis.nudges.length;
    }
  }
}

function popcount(mask: number): number {
  let count = 0;
  for (let bits = mask; bits !== 0; bits &= bits - 1) count++;
  return count;
}
