import { DecisionLogError } from '@app/contract/decision-log';
import { CliUsageError } from '../../cli/cli-errors';

/**
 * How a job on a log thread (`uplift`'s, `ope`'s) may end besides its answer, as data it can
 * post: the logs refused (a bad line, a damaged file: a usage error's message), or a fault of the
 * program (its stack).
 */
export interface ThreadFault {
  readonly refusal?: string;
  readonly crash?: string;
}

/** The fault an error thrown on a thread is. */
export function faultOf(error: unknown): ThreadFault {
  const { name, message, stack } = error as Error;
  const refused = name === 'CliUsageError' || error instanceof DecisionLogError;
  return refused ? { refusal: message } : { crash: stack };
}

/** Throws on this thread what a job's fault was on its own: a usage error, or an Error. */
export function throwFault({ refusal, crash }: ThreadFault): void {
  if (crash !== undefined) throw new Error(crash);
  if (refusal !== undefined) throw new CliUsageError(refusal);
}
