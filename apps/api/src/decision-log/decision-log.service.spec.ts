import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigService } from '@nestjs/config';
import { EXAMPLE_ANALYSIS, EXAMPLE_REQUEST } from '@app/contract';
import { validRequest } from '@app/contract/testing';
import { deriveSignals } from '@app/learner';
import { encodeFeatures } from '@app/ml';
import type { Env } from '../config/env.config';
import { DecisionLog } from './decision-log.service';

/** A file decision log with a buffer of `bufferBytes`, as DecisionLogModule builds it. */
function fileLog(path: string, bufferBytes: number): DecisionLog {
  const values: Partial<Record<keyof Env, unknown>> = {
    DECISION_LOG: `file:${path}`,
    DECISION_LOG_REQUEST: 'features',
    DECISION_LOG_MAX_BYTES: 1 << 30,
    DECISION_LOG_BUFFER_BYTES: bufferBytes,
    SHUTDOWN_TIMEOUT_MS: 5000,
  };
  const env = { get: (name: keyof Env) => values[name] } as unknown as ConfigService<Env, true>;
  return new DecisionLog(env, { deadline: undefined } as never);
}

describe(DecisionLog.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'decision-log-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hands a small buffer chunks it can take: one decision a turn, 40 turns, a 4 KB buffer, none dropped', async () => {
    const path = join(dir, 'decisions.ndjson');
    const log = fileLog(path, 4096);
    const valid = validRequest(EXAMPLE_REQUEST);
    const features = encodeFeatures(deriveSignals(valid.request, valid.asOf));
    for (let i = 0; i < 40; i++) {
      log.observe!(valid, { ...EXAMPLE_ANALYSIS, decision_id: `d-${i}` }, features);
      // A quiet service: the disk keeps up between decisions.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await log.onApplicationShutdown();

    // One file: this process's first (decisions-<time>-<host>-<pid>-0001.ndjson).
    const [file] = await readdir(dir);
    const lines = (await readFile(join(dir, file), 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { decision_id: string }).decision_id)).toEqual(
      Array.from({ length: 40 }, (_, i) => `d-${i}`),
    );
    expect(log.tally).toMatchObject({ recorded: 40, written: 40, dropped: 0 });
  });
});
