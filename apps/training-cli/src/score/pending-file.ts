import { createWriteStream, WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/**
 * An output file written under a temporary name beside its final path (same directory, so the
 * rename is atomic) and renamed onto it only once complete and on disk: an interrupted or failed
 * run leaves whatever was at the final path as it was, never a truncated file that looks whole.
 */
export class PendingFile {
  private constructor(
    readonly path: string,
    readonly temporaryPath: string,
    readonly stream: WriteStream,
  ) {}

  /** The process id in the name keeps two runs aimed at one path off each other's file. */
  static async create(path: string): Promise<PendingFile> {
    const temporaryPath = `${path}.${process.pid}.partial`;
    // `flush` syncs the file before it is closed, so the rename never outruns its bytes.
    const stream = createWriteStream(temporaryPath, { flags: 'wx', flush: true });
    await once(stream, 'open');
    return new PendingFile(path, temporaryPath, stream);
  }

  async commit(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
    await rename(this.temporaryPath, this.path);
  }

  /** Drops the temporary file; the final path is not touched. */
  async discard(): Promise<void> {
    this.stream.destroy();
    await finished(this.stream).catch(() => undefined);
    await rm(this.temporaryPath, { force: true });
  }
}
