import { parseDecisionLogTarget } from './decision-log-target';
import { EnvError, validateEnv } from './env.config';

function problemsOf(raw: Record<string, string>): readonly string[] {
  try {
    validateEnv(raw);
    return [];
  } catch (error) {
    return (error as EnvError).problems;
  }
}

describe('the decision log settings', () => {
  it('reads off, file:PATH and http(s) URLs, and nothing else', () => {
    expect(parseDecisionLogTarget('off')).toEqual({ kind: 'off' });
    expect(parseDecisionLogTarget('')).toEqual({ kind: 'off' });
    expect(parseDecisionLogTarget('file:/var/log/eie/decisions.ndjson')).toEqual({
      kind: 'file',
      path: '/var/log/eie/decisions.ndjson',
    });
    expect(parseDecisionLogTarget('https://collector.example/in')).toEqual({
      kind: 'http',
      url: new URL('https://collector.example/in'),
    });
    expect(
      ['file:', 'ftp://x', 'http://', 'collector:8080', 'on'].map(parseDecisionLogTarget),
    ).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('stops the start naming the variable when a value is wrong', () => {
    expect(problemsOf({ DECISION_LOG: 'ftp://collector' })).toEqual([
      'DECISION_LOG must be off, file:PATH or an http:// or https:// URL',
    ]);
    expect(problemsOf({ DECISION_LOG_REQUEST: 'all' })).toEqual([
      'DECISION_LOG_REQUEST must be one of full, features, none',
    ]);
    expect(problemsOf({ DECISION_LOG_FLUSH_MS: '5' })).toEqual([
      'DECISION_LOG_FLUSH_MS must be an integer from 10 to 600000',
    ]);
    expect(
      problemsOf({ DECISION_LOG_BATCH_BYTES: '4mb', DECISION_LOG_BUFFER_BYTES: '6mb' }),
    ).toEqual([
      'DECISION_LOG_BUFFER_BYTES must be at least twice DECISION_LOG_BATCH_BYTES: a batch is posted while the next one fills',
    ]);
  });

  it('takes sizes as 64mb or a byte count, and defaults to off with whole requests kept', () => {
    const env = validateEnv({ DECISION_LOG: 'http://c/d', DECISION_LOG_BUFFER_BYTES: '8mb' });
    expect([env.DECISION_LOG, env.DECISION_LOG_REQUEST, env.DECISION_LOG_BUFFER_BYTES]).toEqual([
      'http://c/d',
      'full',
      8 * 1024 * 1024,
    ]);
    expect(validateEnv({}).DECISION_LOG).toBe('off');
  });
});
