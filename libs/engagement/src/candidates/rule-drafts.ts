import { NudgeType, round2, stableSort } from '@app/learner';
import { Phrase } from '@app/messages';
import { REASON_PARAMS, ReasonId, RuleCandidate } from '@app/rules';
import { EngineConfig } from '../config/engine-config';
import { NudgeDraft, NudgeWording } from './nudge-draft';

/** Reason keys built once: map lookups are faster with the same string each time. */
const REASON_KEYS = Object.fromEntries(
  Object.keys(REASON_PARAMS).map((id) => [id, `reason.${id}`]),
) as Record<ReasonId, string>;

/** Each candidate's own wording, strongest first, then the fallbacks: a specific message beats a generic one. */
function wordingsOf(ranked: readonly RuleCandidate[]): NudgeWording[] {
  const wordings: NudgeWording[] = [];
  for (const c of ranked) wordings.push({ message: c.message, params: c.params, claims: c.claims });
  for (const c of ranked) if (c.fallback !== undefined) wordings.push(c.fallback);
  return wordings;
}

/** Every candidate's reasons, in the rule table's order, as catalog phrases. */
function reasonsOf(list: readonly RuleCandidate[]): Phrase[] {
  const reasons: Phrase[] = [];
  for (const c of list) {
    for (const r of c.reasons) reasons.push({ key: REASON_KEYS[r.id], params: r.params });
  }
  return reasons;
}

/** The reasons and evidence of a draft that is not explained: shared, never written to. */
const NONE: readonly never[] = [];

/**
 * One draft per type. The strongest candidate of a type sets the score (the earlier rule wins a
 * tie) and its wording comes first; every candidate adds its reasons and evidence, unless the
 * drafts are not to be `explained` (a compact answer, a replay of the policy): the choice reads
 * neither, so they are left empty.
 */
export function mergeRuleCandidates(
  candidates: readonly RuleCandidate[],
  config: EngineConfig,
  explained = true,
): NudgeDraft[] {
  const byType = new Map<NudgeType, RuleCandidate[]>();
  for (const candidate of candidates) {
    const list = byType.get(candidate.type);
    if (list === undefined) byType.set(candidate.type, [candidate]);
    else list.push(candidate);
  }
  return [...byType].map(([type, list]) => {
    // A stable sort keeps the rule table's order among equal scores.
    const ranked = list.length === 1 ? list : stableSort([...list], (a, b) => b.score - a.score);
    return {
      type,
      source: 'rule',
      priority: config.priority_labels[type],
      score: round2(ranked[0].score),
      wordings: wordingsOf(ranked),
      reasons: explained ? reasonsOf(list) : NONE,
      evidence: explained ? list.map((c) => c.evidence) : NONE,
    };
  });
}
