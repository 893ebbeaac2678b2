import { hash } from 'node:crypto';
import type { ValidRequest } from '@app/contract';
import type { EngineState } from '@app/engagement/engine';

/** The namespace of the scorer's decision ids (a fixed random UUID: the ids are this tool's). */
export const SCORE_NAMESPACE = '8f3c2b1e-5d47-4a96-b0e2-6c1f9a7d4e53';
const NAMESPACE_BYTES = Buffer.from(SCORE_NAMESPACE.replaceAll('-', ''), 'hex');

/** The hex digit of the variant's nibble (10xx) for each nibble the hash gave. */
const VARIANT_DIGIT = '89ab'.repeat(4);

/** The namespace's bytes, then room for a name: one buffer, grown only for a longer name. */
let hashed = Buffer.allocUnsafeSlow(256);
NAMESPACE_BYTES.copy(hashed);

/**
 * A name-based UUID, version 5 (RFC 9562 §5.5), of `name` in the scorer's namespace: SHA-1 of
 * the namespace's bytes and the name's UTF-8, its first 16 bytes with the version and variant
 * set. The same ids as the uuid package's v5, which built a Hash object and re-parsed the
 * namespace per call (a sixth of a scoring thread's time on a log without decision ids). The
 * name is written after the namespace in a buffer kept for the purpose and the digest read as
 * hex, the version and variant set on its digits: no buffer made per call (0.6 µs an id, not
 * 1.7, on the scorer's names).
 */
export function nameUuid(name: string): string {
  const most = NAMESPACE_BYTES.length + 3 * name.length;
  if (most > hashed.length) {
    hashed = Buffer.allocUnsafeSlow(2 * most);
    NAMESPACE_BYTES.copy(hashed);
  }
  const end = NAMESPACE_BYTES.length + hashed.write(name, NAMESPACE_BYTES.length, 'utf8');
  const hex = hash('sha1', hashed.subarray(0, end), 'hex');
  const variant = VARIANT_DIGIT[parseInt(hex[16], 16)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What decides an answer besides the request: the models and the config. */
export function engineVersion(state: EngineState): string {
  return `${state.models?.version ?? 'rules-only'}/${state.config.hash}`;
}

/**
 * The decision id `score` gives a request that carries none: a name-based UUID (version 5) of the
 * learner, the request's as_of and the engine version. The id also seeds exploration, so a rerun,
 * or a retried shard of an Indexed Job, writes the same bytes and logs the same decisions; a new
 * model set or config, or another day, makes new ids. The API keeps minting time-ordered ids: a
 * platform may ask twice on one day and mean two decisions.
 */
export function scoredDecisionId(valid: ValidRequest, version: string): string {
  const { user_data, as_of } = valid.request;
  return nameUuid(JSON.stringify([user_data.user_id, as_of, version]));
}

/** The request with its own decision id, or the derived one written in. */
export function withScoredDecisionId(valid: ValidRequest, version: string): ValidRequest {
  if (valid.request.decision_id !== undefined) return valid;
  valid.request.decision_id = scoredDecisionId(valid, version);
  return valid;
}
