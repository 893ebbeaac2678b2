import { CliUsageError } from './cli-errors';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';

const FLUSH_BYTES = 1 << 20;

/**
 * Streams a large text file in ~1 MiB writes, waiting for the disk when it lags, so memory stays
 * flat at any size. It writes `<path>.partial` and renames on close: an interrupted run never
 * leaves a truncated file under the real name for the next step to trust.
 */
export class TextFileWriter {
  private readonly partialPath: string;
  private stream: WriteStream | undefined;
  private buffer: string[] = [];
  private buffered = 0;

  constructor(readonly path: string) {
    this.partialPath = `${path}.partial`;
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.stream = createWriteStream(this.partialPath);
    await once(this.stream, 'open');
  }

  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    const stream = this.requireStream();
    stream.end();
    await finished(stream);
    await rename(this.partialPath, this.path);
  }

  /** Drops the partial file after a failure. */
  async abort(): Promise<void> {
    this.stream?.destroy();
    await rm(this.partialPath, { force: true });
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const stream = this.requireStream();
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }

  private requireStream(): WriteStream {
    if (this.stream === undefined) throw new Error(`${this.path} is not open`);
    return this.stream;
  }
}

/** Writes a whole file through a TextFileWriter, removing the partial file if `fill` fails. */
export async function writeTextFile(
  path: string,
  fill: (writer: TextFileWriter) => Promise<void>,
): Promise<void> {
  const writer = new TextFileWriter(path);
  await writer.open();
  try {
    await fill(writer);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** `--html`: the page, or a usage error naming the path it could not be written to. */
export async function writeHtmlPage(path: string, page: string): Promise<void> {
  try {
    await writeTextFile(path, (out) => out.write(page));
  } catch (error) {
    throw new CliUsageError(`--html ${path}: cannot write it (${(error as Error).message})`);
  }
}
