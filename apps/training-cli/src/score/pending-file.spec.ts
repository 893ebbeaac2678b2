import fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PendingFile } from './pending-file';

describe(PendingFile.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pending-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

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

  it('syncs what it has written every so many bytes while writing goes on', async () => {
    const syncs = jest.spyOn(fs, 'fdatasync');
    const path = join(dir, 'out.ndjson');
    const sut = await PendingFile.create(path, { syncBytes: 10 });
    const written: string[] = [];
    for (const line of ['one\n', 'two\n', 'three\n', 'four\n']) {
      sut.write(Buffer.from(line), () => written.push(line));
    }
    await sut.commit();

    // 'three' takes it to 14 bytes: one sync, and the next 5 bytes are not enough for another.
    expect(syncs).toHaveBeenCalledTimes(1);
    expect(written).toEqual(['one\n', 'two\n', 'three\n', 'four\n']);
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\nthree\nfour\n');
  });

  it('fails the commit, leaving the path as it was, when a background sync failed', async () => {
    const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const failing = (_fd: number, done: (error: Error | null) => void) => {
      setImmediate(() => done(failure));
    };
    jest.spyOn(fs, 'fdatasync').mockImplementation(failing);
    const path = join(dir, 'out.ndjson');
    writeFileSync(path, 'previous\n');
    const sut = await PendingFile.create(path, { syncBytes: 4 });
    sut.write(Buffer.from('lost\n'));

    await expect(sut.commit()).rejects.toBe(failure);
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    await sut.discard();
    expect(readdirSync(dir)).toEqual(['out.ndjson']);
  });
});
