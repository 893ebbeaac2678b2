import { DecisionLogError } from '@app/contract';
import { CliUsageError } from '../../cli/cli-errors';

/** A usage error's message without the file and line it starts with; anything else rethrown. */
export function refusal(error: unknown): string {
  if (!(error instanceof CliUsageError || error instanceof DecisionLogError)) throw error;
  return error.message.replace(/^\S+ line \d+: /, '');
}
