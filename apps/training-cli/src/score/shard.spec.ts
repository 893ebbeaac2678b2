import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShard } from '../cli/shard-option';
import { shardRange } from './shard';

describe(shardRange.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'shard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The lines each of `count` shards gets, by 1-based number, from their byte ranges. */
  async function split(text: string, count: number): Promise<number[][]> {
    const path = join(dir, `input-${count}.ndjson`);
    writeFileSync(path, text);
    const size = Buffer.byteLength(text);
    const shards: number[][] = [];
    for (let index = 0; index < count; index++) {
      const { start, end, firstLine } = await shardRange(path, size, { index, count });
      const slice = Buffer.from(text).subarray(start, end).toString();
      const lines = slice === '' ? [] : slice.replace(/\n$/, '').split('\n');
      // Each shard starts on a line boundary and numbers its first line as the file does.
      expect(start === 0 || text[start - 1] === '\n').toBe(true);
      expect(firstLine).toBe(text.slice(0, start).split('\n').length);
      shards.push(lines.map((_, i) => firstLine + i));
    }
    return shards;
  }

  const lines = Array.from(
    { length: 97 },
    (_, i) => `{"n":${i + 1},"pad":"${'x'.repeat((i * 37) % 300)}"}`,
  );

  it.each([1, 2, 3, 7, 16, 97])(
    'splits 97 lines of uneven length into %i shards that tile them in order',
    async (count) => {
      const shards = await split(`${lines.join('\n')}\n`, count);
      expect(shards.flat()).toEqual(lines.map((_, i) => i + 1));
    },
  );

  it('gives a last line without a newline to exactly one shard', async () => {
    const shards = await split(lines.slice(0, 10).join('\n'), 4);
    expect(shards.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('leaves shards empty when there are more shards than lines', async () => {
    const shards = await split('{"a":1}\n{"b":2}\n', 9);
    expect(shards.flat()).toEqual([1, 2]);
    expect(shards.filter((shard) => shard.length === 0)).toHaveLength(7);
  });

  it('finds line boundaries past its scan window (a line longer than 64 KiB)', async () => {
    const long = `{"pad":"${'y'.repeat(200_000)}"}`;
    const shards = await split(`{"a":1}\n${long}\n{"b":2}\n`, 5);
    expect(shards.flat()).toEqual([1, 2, 3]);
  });
});

describe(parseShard.name, () => {
  it('reads I/N', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 0/1 ')).toEqual({ index: 0, count: 1 });
  });

  it.each(['8/8', '-1/4', '1/0', '1', 'a/b', '1/4/2', '', '0/10001'])('refuses %p', (value) => {
    expect(() => parseShard(value)).toThrow('Expected I/N with 0 ≤ I < N ≤ 10000');
  });
});
