/**
 * DECISION_LOG: `off` (the default), `file:PATH` (files named after PATH, see FileDecisionSink)
 * or an `http://` / `https://` collector URL (see HttpDecisionSink).
 */
export type DecisionLogTarget =
  | { readonly kind: 'off' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'http'; readonly url: URL };

export const DECISION_LOG_FORMS = 'off, file:PATH or an http:// or https:// URL';

/** The target DECISION_LOG names, or undefined when it names none. */
export function parseDecisionLogTarget(value: string): DecisionLogTarget | undefined {
  const text = value.trim();
  if (text === '' || text === 'off') return { kind: 'off' };
  if (text.startsWith('file:')) {
    const path = text.slice('file:'.length);
    return path === '' ? undefined : { kind: 'file', path };
  }
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return undefined;
  return { kind: 'http', url: new URL(text) };
}
