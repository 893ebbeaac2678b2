import { NUDGE_ACTIONS, OutcomeAction } from '@app/contract';
import { NudgeType, stableSort } from '@app/learner';
import { Claim } from '@app/rules';
import { mergeByAction } from '../candidates/merge-by-action';
import { NudgeDraft, NudgeWording } from '../candidates/nudge-draft';
import { EngineConfig } from '../config/engine-config';
import { explorationPropensity } from './exploration';
import { FatigueState, NO_FATIGUE, Suppression } from './fatigue';
import { compareUplift, compareWeighted } from './ranking';

/** A draft that made the answer: its wording, its slot and how likely the policy put it there. */
export interface ChosenNudge extends NudgeDraft {
  readonly wording: NudgeWording;
  /** 1 for the first slot. */
  readonly rank: number;
  /** The probability that the policy puts this nudge in this slot, given what was left. */
  readonly propensity: number;
}

/** What the answer's policy needs beyond the drafts: the history's limits and exploration. */
export interface PolicyContext {
  readonly fatigue: FatigueState;
  readonly epsilon: number;
  /** Uniform in [0, 1), seeded from the decision id. */
  readonly random: () => number;
}

export interface Selection {
  readonly chosen: readonly ChosenNudge[];
  /**
   * The probability that the policy chose exactly `chosen`, in this order, and stopped where it
   * did: the product of the slots' propensities and, when exploring stopped it early, the
   * propensity of stopping. 1 when nothing was left to the draw.
   */
  readonly slatePropensity: number;
  readonly suppressed: readonly Suppression[];
  /** What the first slot was drawn from, best first; empty when no slot was open. */
  readonly eligible: readonly NudgeDraft[];
}

const GREEDY: PolicyContext = { fatigue: NO_FATIGUE, epsilon: 0, random: () => 0 };

/**
 * A draft with the wording it will use. Spelled out rather than spread: every answer makes
 * several, and a literal of a fixed shape is several times faster to build.
 */
function withWording(
  draft: NudgeDraft,
  wording: NudgeWording,
): NudgeDraft & { wording: NudgeWording } {
  return {
    type: draft.type,
    source: draft.source,
    priority: draft.priority,
    score: draft.score,
    wordings: draft.wordings,
    reasons: draft.reasons,
    evidence: draft.evidence,
    uplift: draft.uplift,
    merged: draft.merged,
    wording,
  };
}

/** Facts already stated in the answer, and by which type. */
type Stated = Map<Claim, NudgeType>;

/** The first wording that states no fact a nudge of an overlapping type already states. */
function freeWording(
  draft: NudgeDraft,
  stated: Stated,
  config: EngineConfig,
): NudgeWording | undefined {
  for (const wording of draft.wordings) {
    let free = true;
    for (const claim of wording.claims) {
      const by = stated.get(claim);
      if (by === undefined || by === draft.type) continue;
      const shared = config.overlaps[claim];
      if (shared.includes(by) && shared.includes(draft.type)) free = false;
    }
    if (free) return wording;
  }
  return undefined;
}

/**
 * The answer's nudges. Drafts still in their cooldown are withheld. Rule drafts, in rank order
 * (scores weighted by the recency penalty; under the uplift objective, predicted uplifts), merge
 * into one nudge per action (mergeByAction); under the uplift objective one predicted to change
 * less than `min_uplift` is withheld; the others are each worded so they repeat no fact a
 * stronger nudge states (config `overlaps`), a draft with no such wording yielding; model drafts
 * fill the room left under the same rule, one per action still unasked. Then each of the slots
 * the 7-day cap allows (at most `max_nudges`) takes the best remaining nudge, or with probability
 * ε draws uniformly from the remaining nudges and stopping there; the propensity says how likely
 * that choice was. Nudges the cap alone kept out are reported.
 */
export function chooseNudges(
  ruleDrafts: readonly NudgeDraft[],
  modelDrafts: Iterable<NudgeDraft>,
  config: EngineConfig,
  policy: PolicyContext = GREEDY,
): Selection {
  const { fatigue, epsilon, random } = policy;
  const suppressed: Suppression[] = [];
  const weight = (draft: NudgeDraft) => fatigue.rankWeight.get(draft.type) ?? 1;
  const order = config.policy.objective === 'uplift' ? compareUplift : compareWeighted;
  const compare = (a: NudgeDraft, b: NudgeDraft) => order(a, b, weight(a), weight(b));
  const rested = (draft: NudgeDraft): boolean => {
    const until = fatigue.coolingDown.get(draft.type);
    if (until === undefined) return true;
    suppressed.push({ type: draft.type, reason: 'cooldown', eligibleAgainOn: until });
    return false;
  };
  const stated: Stated = new Map();
  const actions = new Set<OutcomeAction>();
  const candidates: (NudgeDraft & { wording: NudgeWording })[] = [];
  const take = (draft: NudgeDraft): void => {
    const wording = freeWording(draft, stated, config);
    if (wording === undefined) return;
    for (const claim of wording.claims) if (!stated.has(claim)) stated.set(claim, draft.type);
    actions.add(NUDGE_ACTIONS[draft.type]);
    candidates.push(withWording(draft, wording));
  };
  // Under the uplift objective, a nudge (drafts of one action merged) predicted to change too
  // little is withheld: its leader has the largest uplift of them.
  const minUplift = config.policy.objective === 'uplift' ? config.policy.min_uplift : undefined;
  const withheld: Suppression[] = [];
  for (const draft of mergeByAction(stableSort(ruleDrafts.filter(rested), compare))) {
    if (minUplift !== undefined && draft.uplift !== undefined && draft.uplift < minUplift) {
      const uplift = { predicted: draft.uplift, minimum: minUplift };
      withheld.push({ type: draft.type, reason: 'no_uplift', eligibleAgainOn: null, uplift });
    } else {
      take(draft);
    }
  }
  for (const draft of modelDrafts) {
    // Exploring may pick any candidate, so then every model draft is one.
    if (epsilon === 0 && candidates.length >= config.max_nudges) break;
    // A model nudge asking for an action a nudge already asks for would take a second slot.
    if (actions.has(NUDGE_ACTIONS[draft.type])) continue;
    if (rested(draft)) take(draft);
  }
  stableSort(candidates, compare);

  const slots = Math.min(config.max_nudges, fatigue.room);
  const eligible = slots > 0 ? [...candidates] : [];
  const chosen: ChosenNudge[] = [];
  let slatePropensity = 1;
  while (chosen.length < slots && candidates.length > 0) {
    // Exploring draws from the n candidates left and stopping (index n): sending less is
    // explored too, so logs support a policy that sends less.
    const n = candidates.length;
    const index = epsilon > 0 && random() < epsilon ? Math.floor(random() * (n + 1)) : 0;
    const propensity = explorationPropensity(index, n + 1, epsilon);
    slatePropensity *= propensity;
    if (index === n) break;
    const [pick] = candidates.splice(index, 1);
    chosen.push({
      type: pick.type,
      source: pick.source,
      priority: pick.priority,
      score: pick.score,
      wordings: pick.wordings,
      reasons: pick.reasons,
      evidence: pick.evidence,
      uplift: pick.uplift,
      merged: pick.merged,
      wording: pick.wording,
      rank: chosen.length + 1,
      propensity,
    });
  }
  // Nudges left for open slots when exploring stopped early were not sent, not capped.
  const unfilled = Math.min(slots - chosen.length, candidates.length);
  const capped = candidates.slice(unfilled, unfilled + Math.max(0, config.max_nudges - slots));
  for (const draft of capped) {
    suppressed.push({
      type: draft.type,
      reason: 'weekly_cap',
      eligibleAgainOn: fatigue.capFreesOn,
    });
  }
  return { chosen, suppressed: [...withheld, ...suppressed], eligible, slatePropensity };
}
