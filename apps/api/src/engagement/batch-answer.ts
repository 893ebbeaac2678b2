import { BatchResult, FieldError } from '@app/contract';
import { NudgeType } from '@app/learner';

/** Nudges a batch answered, by type and source, for the nudge counters. */
export type NudgeTally = readonly (readonly [
  type: NudgeType,
  source: 'rule' | 'ml',
  count: number,
])[];

/** A batch's answer as sent: the JSON text, and what its log line and metrics record. */
export interface BatchSummary {
  readonly json: string;
  readonly items: number;
  readonly failed: number;
  readonly nudges: NudgeTally;
}

/**
 * Why a batch gets a 400 before any item is looked at: a body that is not a JSON document
 * (`message`), or an envelope whose fields are wrong (`errors`).
 */
export type BatchRefusal =
  | { readonly kind: 'body'; readonly message: string }
  | { readonly kind: 'envelope'; readonly errors: readonly FieldError[] };

/**
 * Writes a batch's answer as its items are made: each result is serialized once, when it is
 * added, and not kept; the text is `{"results":[…]}`, as a JSON body of `{ results }` would be.
 */
export class BatchAnswerWriter {
  private readonly parts: string[] = [];
  private failed = 0;
  private readonly tally = new Map<string, [NudgeType, 'rule' | 'ml', number]>();

  add(result: BatchResult): void {
    this.parts.push(JSON.stringify(result));
    if ('error' in result) {
      this.failed++;
      return;
    }
    for (const { type, source } of result.nudges) {
      const key = `${type}/${source}`;
      const entry = this.tally.get(key);
      if (entry === undefined) this.tally.set(key, [type, source, 1]);
      else entry[2]++;
    }
  }

  finish(): BatchSummary {
    return {
      json: `{"results":[${this.parts.join(',')}]}`,
      items: this.parts.length,
      failed: this.failed,
      nudges: [...this.tally.values()],
    };
  }
}
