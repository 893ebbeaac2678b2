import { NUDGE_ACTIONS, OutcomeAction } from '@app/contract';
import { MessageParams, namesAnEvent, RuleMessageId, WITH_TIME_AWAY } from '@app/rules';
import { stableSort } from '@app/learner';
import { NudgeDraft, NudgeWording, TYPE_RANK } from './nudge-draft';
import { UPLIFT_REASON } from './uplift-drafts';

/** The learner's time away in days, as a wording that states it gives it; undefined if none does. */
function timeAway(group: readonly NudgeDraft[]): number | undefined {
  for (const draft of group) {
    for (const { claims, params } of draft.wordings) {
      const days = params.days;
      if (claims.includes('event_recency') && typeof days === 'number') return days;
    }
  }
  return undefined;
}

/**
 * `params` with `days` set, as `{ ...params, days }` would make them (the same keys in the same
 * order), copied name by name: a spread of the many shapes rules' params take missed its inline
 * cache and ran in V8's runtime, and copying instead made a scoring thread a sixth faster.
 */
function withDays(params: MessageParams, days: number): MessageParams {
  const out: Record<string, MessageParams[string]> = {};
  for (const name in params) out[name] = params[name];
  out.days = days;
  return out;
}

/**
 * A merged nudge's wordings, best first: each event wording of the group that speaks of peers or
 * buddies, joined to the learner's time away (the wording itself when it says both, else its
 * WITH_TIME_AWAY twin), those naming an event first, so that one message keeps the comeback's
 * premise and the most specific call to action; then every draft's own wordings, the leader's
 * first.
 */
function mergedWordings(group: readonly NudgeDraft[]): NudgeWording[] {
  const days = timeAway(group);
  const joined: NudgeWording[] = [];
  if (days !== undefined) {
    for (const draft of group) {
      for (const wording of draft.wordings) {
        const speaksOfPeers = wording.claims.some((claim) => claim !== 'event_recency');
        if (!speaksOfPeers) continue;
        if (wording.claims.includes('event_recency')) {
          joined.push(wording);
          continue;
        }
        const twin = WITH_TIME_AWAY[wording.message as RuleMessageId];
        if (twin === undefined) continue;
        const params = withDays(wording.params, days);
        joined.push({ message: twin, params, claims: [...wording.claims, 'event_recency'] });
      }
    }
  }
  // A stable sort: among equally specific wordings, the stronger rule's comes first.
  stableSort(joined, (a, b) => Number(namesAnEvent(b)) - Number(namesAnEvent(a)));
  // Then every draft's own, pushed behind: no array is made but the one returned.
  for (const draft of group) for (const wording of draft.wordings) joined.push(wording);
  return joined;
}

/**
 * `group`, led by its first draft, as one nudge with every draft's reasons and evidence. Its type
 * is the group's first in NUDGE_TYPES order, whichever leads, so that one action's merged nudge
 * is logged as the same type under every policy (off-policy evaluation compares slates by type).
 * Under the uplift objective the leader's predicted uplift is the nudge's, and the only one its
 * reasons say: one nudge, one expected change (the others stay in the evidence).
 */
function merge(group: readonly NudgeDraft[]): NudgeDraft {
  const [lead, ...rest] = group;
  let type = lead.type;
  for (const draft of group) if (TYPE_RANK[draft.type] < TYPE_RANK[type]) type = draft.type;
  return {
    type,
    source: lead.source,
    priority: lead.priority,
    score: lead.score,
    wordings: mergedWordings(group),
    reasons: [
      ...lead.reasons,
      ...rest.flatMap((draft) => draft.reasons.filter((reason) => reason.key !== UPLIFT_REASON)),
    ],
    evidence: group.flatMap((draft) => draft.evidence),
    uplift: lead.uplift,
    merged: group.filter((draft) => draft.type !== type).map((draft) => draft.type),
  };
}

/**
 * One nudge per action (NUDGE_ACTIONS): of `ranked` drafts (best first) that ask for the same
 * action — comeback and event_fomo both ask the learner to attend an event — the first leads and
 * the others merge into it. The merged nudge has the leader's priority, score and uplift, so it
 * ranks where the leader would, and the type of its drafts first in NUDGE_TYPES order (event_fomo
 * before comeback); it states the strongest premise and the most specific call to action its drafts
 * have (mergedWordings), and keeps all their reasons and evidence. Returns `ranked` itself when no
 * two drafts share an action, in rank order of the leaders otherwise.
 */
export function mergeByAction(ranked: readonly NudgeDraft[]): readonly NudgeDraft[] {
  const actions: OutcomeAction[] = [];
  let shared = false;
  for (const draft of ranked) {
    const action = NUDGE_ACTIONS[draft.type];
    if (actions.includes(action)) shared = true;
    actions.push(action);
  }
  if (!shared) return ranked;
  const groups = new Map<OutcomeAction, NudgeDraft[]>();
  ranked.forEach((draft, i) => {
    const group = groups.get(actions[i]);
    if (group === undefined) groups.set(actions[i], [draft]);
    else group.push(draft);
  });
  return [...groups.values()].map((group) => (group.length === 1 ? group[0] : merge(group)));
}
