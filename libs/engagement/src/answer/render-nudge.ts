import { Nudge } from '@app/contract';
import { messageKeys, RenderContext, renderParams, renderPhrase } from '@app/messages';
import { ChosenNudge } from '../policy/choose-nudges';

/**
 * A chosen nudge as the answer gives it: its title, action and reasons in the reader's language.
 * Without `reasons` (an answer in the compact view, which leaves them out) they are not worded.
 */
export function renderNudge(nudge: ChosenNudge, ctx: RenderContext, reasons = true): Nudge {
  const { message } = nudge.wording;
  const params = renderParams(nudge.wording.params, ctx);
  const keys = messageKeys(message);
  return {
    type: nudge.type,
    title: ctx.catalog.format(keys.title, params),
    action: ctx.catalog.format(keys.action, params),
    priority: nudge.priority,
    source: nudge.source,
    score: nudge.score,
    rank: nudge.rank,
    propensity: nudge.propensity,
    message_key: message,
    params,
    reasons: reasons ? nudge.reasons.map((reason) => renderPhrase(reason, ctx)) : [],
    evidence: nudge.evidence,
    merged_types: nudge.merged ?? [],
  };
}
