/**
 * A line of a decisions or outcomes log that breaks the contract. The message names the file,
 * the line and the field; the training CLI reports it as a usage error (exit code 2).
 */
export class DecisionLogError extends Error {
  override readonly name = 'DecisionLogError';
}
