import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecisionLogTally } from './decision-sink';
import { FileDecisionSink, logFileName } from './file-sink';

const quiet = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
const line = (n: number) => `{"decision_id":"d-${String(n).padStart(2, '0')}"}\n`;

describe(logFileName.name, () => {
  it('names a file after the path, the time it was opened, the host, the process and its number', () => {
    const at = new Date('2026-12-02T13:45:01.234Z');
    expect(logFileName('/var/log/eie/decisions.ndjson', at, 'web-1', 4711, 1)).toBe(
      '/var/log/eie/decisions-20261202T134501Z-web-1-4711-0001.ndjson',
    );
    expect(logFileName('logs/decisions', at, 'pod/a b', 7, 12)).toBe(
      'logs/decisions-20261202T134501Z-pod_a_b-7-0012.ndjson',
    );
  });
});

describe(FileDecisionSink.name, () => {
  let dir: string;
  let tally: DecisionLogTally;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'decision-files-'));
    tally = new DecisionLogTally();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends whole lines, beginning the next file before one would pass maxBytes', async () => {
    const sut = new FileDecisionSink(
      { path: join(dir, 'logs', 'decisions.ndjson'), maxBytes: 100, bufferBytes: 1 << 20 },
      tally,
      quiet,
    );
    for (let n = 0; n < 10; n++) sut.write(line(n), 1);
    await sut.close(Date.now() + 20_000);

    const files = readdirSync(join(dir, 'logs')).sort();
    expect(files.map((name) => name.replace(/-\d{8}T\d{6}Z-.*-(\d{4})\.ndjson$/, '-$1'))).toEqual([
      'decisions-0001',
      'decisions-0002',
      'decisions-0003',
    ]);
    const texts = files.map((name) => readFileSync(join(dir, 'logs', name), 'utf8'));
    // 23-byte lines: four fit in 100 bytes.
    expect(texts.map((text) => text.split('\n').length - 1)).toEqual([4, 4, 2]);
    expect(texts.join('')).toBe(Array.from({ length: 10 }, (_, n) => line(n)).join(''));
    expect([tally.written, tally.writtenBytes, tally.dropped]).toEqual([10, 230, 0]);
  });

  it('refuses to start when the folder cannot be made, naming the setting', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');

    expect(
      () =>
        new FileDecisionSink(
          { path: join(file, 'decisions.ndjson'), maxBytes: 1024, bufferBytes: 1024 },
          tally,
          quiet,
        ),
    ).toThrow(
      `DECISION_LOG=file:${join(file, 'decisions.ndjson')}: cannot create its folder (EEXIST: file already exists, mkdir '${file}')`,
    );
  });

  it('drops new lines, counted, while the disk is a whole buffer behind', () => {
    const sut = new FileDecisionSink(
      { path: join(dir, 'decisions.ndjson'), maxBytes: 1 << 20, bufferBytes: 50 },
      tally,
      quiet,
    );
    for (let n = 0; n < 5; n++) sut.write(line(n), 1);

    expect(tally.dropped).toBe(3);
    expect(sut.health()).toMatchObject({ degraded: true });
    expect(quiet.warn).toHaveBeenCalledTimes(1);
  });
});
