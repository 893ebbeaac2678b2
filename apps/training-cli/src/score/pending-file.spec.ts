import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PendingFile } from './pending-file';

describe(PendingFile.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pending-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes beside the path and puts the file there only at commit', async () => {
    const path = join(dir, 'out.ndjson');
    writeFileSync(path, 'previous\n');
    const sut = await PendingFile.create(path);
    sut.stream.write('new\n');

    expect(sut.temporaryPath).toBe(`${path}.${process.pid}.partial`);
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    await sut.commit();
    expect(readdirSync(dir)).toEqual(['out.ndjson']);
    expect(readFileSync(path, 'utf8')).toBe('new\n');
  });

  it('leaves the path as it was, and no temporary file, when discarded', async () => {
    const path = join(dir, 'out.ndjson');
    writeFileSync(path, 'previous\n');
    const sut = await PendingFile.create(path);
    sut.stream.write('half of it');

    await sut.discard();
    expect(readdirSync(dir)).toEqual(['out.ndjson']);
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
  });

  it('refuses a path whose folder does not exist', async () => {
    await expect(PendingFile.create(join(dir, 'no', 'out.ndjson'))).rejects.toThrow('ENOENT');
  });
});
