import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { EXAMPLE_ANALYSIS, EXAMPLE_REQUEST } from '@app/contract';
import { validRequest } from '@app/contract/testing';
import { deriveSignals } from '@app/learner';
import { encodeFeatures } from '@app/ml';
import type { Env } from '../config/env.config';
import { DecisionLog } from './decision-log.service';
import { FileDecisionSink } from './file-sink';

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

  it('hands a small buffer chunks it can take: 40 decisions, one a turn, a 4 KB buffer', async () => {
    const log = fileLog(join(dir, 'decisions.ndjson'), 4096);
    const handed = jest.spyOn(FileDecisionSink.prototype, 'write');
    const valid = validRequest(EXAMPLE_REQUEST);
    const features = encodeFeatures(deriveSignals(valid.request, valid.asOf));
    for (let i = 0; i < 40; i++) {
      log.observe!(valid, { ...EXAMPLE_ANALYSIS, decision_id: `d-${i}` }, features);
      // Each decision in a turn of its own, faster than the lines are otherwise handed on.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await log.onApplicationShutdown();

    const chunks = handed.mock.calls.map(([text, lines]) => ({
      lines,
      bytes: Buffer.byteLength(text),
    }));
    handed.mockRestore();
    // Every line reached the sink, in chunks a 4 KB buffer can take: a chunk larger than the
    // whole buffer is dropped whole, whatever the disk does.
    expect(chunks.reduce((lines, chunk) => lines + chunk.lines, 0)).toBe(40);
    expect(Math.max(...chunks.map((chunk) => chunk.bytes))).toBeLessThanOrEqual(4096);
    const [file] = await readdir(dir);
    const lines = (await readFile(join(dir, file), 'utf8')).trimEnd().split('\n');
    const ids = lines.map((line) => (JSON.parse(line) as { decision_id: string }).decision_id);
    // What the disk kept up with is written in order; what it did not, counted as dropped.
    expect(ids.length + log.tally.dropped).toBe(40);
    expect(ids).toEqual([...ids].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
  });

  it("writes a request thread's line, and counts one the thread could not make as dropped", async () => {
    const log = fileLog(join(dir, 'decisions.ndjson'), 1 << 20);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    log.recordMade('d-1', { line: '{"decision_id":"d-1"}\n' });
    log.recordMade('d-2', { error: 'no features' });
    log.recordMade('d-3', { line: '{"decision_id":"d-3"}\n' });
    await log.onApplicationShutdown();

    const [file] = await readdir(dir);
    expect(await readFile(join(dir, file), 'utf8')).toBe(
      '{"decision_id":"d-1"}\n{"decision_id":"d-3"}\n',
    );
    expect(log.tally).toMatchObject({ recorded: 3, written: 2, dropped: 1 });
    expect(logged).toHaveBeenCalledWith('decision d-2 not logged: no features');
    logged.mockRestore();
  });
});
