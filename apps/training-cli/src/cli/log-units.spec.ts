import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { forEachUnitLine, logUnits, UnitPlaces } from './log-units';

describe(logUnits.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-units-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('cuts a plain file at line ends, keeps a .gz file whole, and places every line', async () => {
    // Lines of different lengths, so the cuts fall inside lines.
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1} ${'x'.repeat(i % 17)}`);
    const plain = join(dir, 'a.ndjson');
    const gzipped = join(dir, 'b.ndjson.gz');
    await writeFile(plain, lines.map((line) => `${line}\n`).join(''));
    await writeFile(gzipped, gzipSync(lines.slice(0, 5).join('\n')));
    const log = { name: 'the log', files: [plain, gzipped] };

    const units = await logUnits(log, 200);
    const read: { text: string; unit: number; line: number }[] = [];
    const counts: number[] = [];
    for (const [unit, part] of units.entries()) {
      counts.push(await forEachUnitLine(part, (text, line) => read.push({ text, unit, line })));
    }
    const places = new UnitPlaces(units, counts);

    expect(units.length).toBeGreaterThan(5);
    expect(units.at(-1)).toEqual({ file: 1, path: gzipped });
    expect(units.slice(0, -1).every((unit) => unit.file === 0)).toBe(true);
    // Each slice starts where the last one ended, at a line's start.
    units.slice(1, -1).forEach((unit, i) => expect(unit.start).toBe(units[i].end));
    expect(read.map(({ text }) => text)).toEqual([...lines, ...lines.slice(0, 5)]);
    expect(read.map(({ unit, line }) => places.logLine(unit, line))).toEqual([
      ...lines.map((_, i) => ({ file: plain, line: i + 1 })),
      ...lines.slice(0, 5).map((_, i) => ({ file: gzipped, line: i + 1 })),
    ]);
  });

  it('keeps a file no larger than a unit whole', async () => {
    const small = join(dir, 'small.ndjson');
    await writeFile(small, 'one\ntwo\n');
    expect(await logUnits({ name: small, files: [small] })).toEqual([{ file: 0, path: small }]);
  });
});
