import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliUsageError } from './cli-errors';
import { requireLogFile } from './log-file';

describe(requireLogFile.name, () => {
  it('names a missing log by its flag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'closed-loop-logs-'));
    const missing = join(dir, 'missing.ndjson');
    await expect(requireLogFile(missing, '--outcomes')).rejects.toThrow(
      new CliUsageError(`--outcomes ${missing}: no such file`),
    );
    await expect(requireLogFile(dir, '--outcomes')).rejects.toThrow(
      new CliUsageError(`--outcomes ${dir}: no such file`),
    );
    await rm(dir, { recursive: true, force: true });
  });
});
