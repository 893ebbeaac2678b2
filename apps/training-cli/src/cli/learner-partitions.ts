import { closeSync, existsSync, fstatSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGzipped } from '@app/contract/decision-log';
import { fnv1a32 } from '@app/learner';
import { Shard } from './shard-option';

/**
 * A key's hash (a user_id, a decision_id): 32-bit FNV-1a over its UTF-16 code units. Every
 * process computes the same hash for a key, so `--shard I/N` picks the same learners whichever
 * machine runs it, and a learner's decisions and outcomes meet in one shard and one partition.
 */
export function keyHash(key: string): number {
  return fnv1a32(key);
}

/** The whole log as one shard. */
export const ONE_SHARD: Shard = { index: 0, count: 1 };

/** Whether a key of this hash is in the shard: the hash modulo N is the shard's index. */
export function inShard(hash: number, shard: Shard): boolean {
  return hash % shard.count === shard.index;
}

const fieldPatterns = new Map<string, RegExp>();

/**
 * Whether a line may hold a key of the shard under `field` (say `user_id`), found without
 * parsing the line: a shard reads every line of a log, and parses only those that may be its
 * own. True when some `"field": "value"` in the line hashes into the shard (a nested field of
 * the same name counts too, so the top-level one is never missed), when a value has an escape
 * (its hash is the unescaped text's), or when the field is not found as written (the parser
 * will say what is wrong).
 */
export function mayHoldShardKey(text: string, field: string, shard: Shard): boolean {
  let pattern = fieldPatterns.get(field);
  if (pattern === undefined) {
    // The value up to its closing quote, or up to its first escape.
    pattern = new RegExp(`"${field}"\\s*:\\s*"([^"\\\\]*)(["\\\\])`, 'g');
    fieldPatterns.set(field, pattern);
  }
  let found = false;
  for (const [, value, end] of text.matchAll(pattern)) {
    if (end !== '"' || inShard(keyHash(value), shard)) return true;
    found = true;
  }
  return !found;
}

/**
 * Bytes of input per partition: a partition's records, read back at once, stay a few MB even for
 * a log of short lines (a line of 300 bytes leaves a record of about 100).
 */
const INPUT_BYTES_PER_PARTITION = 8 * 1024 * 1024;
/** A gzipped log is about this many times smaller than its lines. */
const GZIP_RATIO = 8;
const MAX_PARTITIONS = 4096;

/**
 * How many partitions a shard of a log of these file sizes (bytes as stored) is split into, so
 * that one partition's records fit in a few MB whatever the log's length: a shard keeps 1/N of
 * the records.
 */
export function partitionCount(
  files: readonly { path: string; bytes: number }[],
  shardCount: number,
): number {
  const bytes = files.reduce(
    (sum, file) => sum + file.bytes * (isGzipped(file.path) ? GZIP_RATIO : 1),
    0,
  );
  const partitions = Math.ceil(bytes / shardCount / INPUT_BYTES_PER_PARTITION);
  return Math.min(MAX_PARTITIONS, Math.max(1, partitions));
}

/**
 * Bytes of records a writer holds, over all its partitions, before it writes them out: the
 * memory of a pass does not grow with the partitions' count, and each write is still a few KB.
 */
const FLUSH_BYTES = 2 * 1024 * 1024;

/**
 * What each partition keeps, each kind in files of its own: decisions and outcomes by learner,
 * decision ids by their own hash.
 */
export type RecordKind = 'decisions' | 'outcomes' | 'ids';

/** Where a pass's partitions are on disk, and how keys are spread over them. */
export interface PartitionLayout {
  readonly folder: string;
  readonly count: number;
  /** Shards in the run: the partition is taken from a hash's bits above the shard's. */
  readonly shardCount: number;
}

function pathOf(layout: PartitionLayout, partition: number, kind: RecordKind, writer: string) {
  return join(layout.folder, `${partition}-${kind}-${writer}.ndjson`);
}

/** A key's partition: from the hash's bits above the shard's, so a shard's keys fill them all. */
function partitionOf(layout: PartitionLayout, hash: number): number {
  return Math.floor(hash / layout.shardCount) % layout.count;
}

/** The most UTF-8 bytes a string of `length` UTF-16 units can take. */
const utf8Bound = (length: number) => 3 * length;
const NEWLINE = 0x0a;

/**
 * One writer's share of a partition pass on disk (the main thread's, a worker's): records (one
 * line each, the caller's format) are appended to the partition of their key's hash, in files of
 * the writer's own, so threads never share a file. Each record is copied as UTF-8 into a buffer
 * of FLUSH_BYTES outside the JavaScript heap as it is added, so its string dies young instead of
 * being carried through garbage collections until the write; a full buffer is written out file
 * by file, each file's records in the order added.
 */
export class PartitionWriter {
  private readonly arena = Buffer.allocUnsafe(FLUSH_BYTES);
  /** The arena's records regrouped by file for writing. */
  private readonly grouped = Buffer.allocUnsafe(FLUSH_BYTES);
  private used = 0;
  /** Per record in the arena: its file's number and its end. */
  private recordFiles: Int32Array = new Int32Array(4096);
  private recordEnds: Int32Array = new Int32Array(4096);
  private records = 0;
  /** Each file's path, by number; a file is numbered when its first record comes. */
  private readonly paths: string[] = [];
  private readonly descriptors: (number | undefined)[] = [];
  /** Each partition's file number per kind: a path per record would cost more than it. */
  private readonly files: Record<RecordKind, number[]> = { decisions: [], outcomes: [], ids: [] };

  constructor(
    private readonly layout: PartitionLayout,
    private readonly name: string,
  ) {}

  /** Appends a record (no newline in it) to the partition of the key with this hash. */
  add(hash: number, kind: RecordKind, record: string): void {
    const partition = partitionOf(this.layout, hash);
    const files = this.files[kind];
    let file = files[partition];
    if (file === undefined) {
      file = files[partition] = this.paths.length;
      this.paths.push(pathOf(this.layout, partition, kind, this.name));
    }
    const bound = utf8Bound(record.length) + 1;
    if (this.used + bound > FLUSH_BYTES) this.flush();
    if (bound > FLUSH_BYTES) {
      writeSync(this.descriptor(file), `${record}\n`);
      return;
    }
    this.used += this.arena.write(record, this.used);
    this.arena[this.used++] = NEWLINE;
    if (this.records === this.recordEnds.length) {
      this.recordFiles = grown(this.recordFiles);
      this.recordEnds = grown(this.recordEnds);
    }
    this.recordFiles[this.records] = file;
    this.recordEnds[this.records++] = this.used;
  }

  private descriptor(file: number): number {
    return (this.descriptors[file] ??= openSync(this.paths[file], 'a'));
  }

  /** Writes the arena out: its records regrouped by file, then one write per file. */
  private flush(): void {
    const count = this.records;
    // Each file's bytes, then where its records start in `grouped` (a counting sort).
    const starts = new Float64Array(this.paths.length + 1);
    for (let i = 0; i < count; i++) {
      const begin = i === 0 ? 0 : this.recordEnds[i - 1];
      starts[this.recordFiles[i] + 1] += this.recordEnds[i] - begin;
    }
    for (let file = 0; file < this.paths.length; file++) starts[file + 1] += starts[file];
    const at = starts.slice(0, this.paths.length);
    for (let i = 0; i < count; i++) {
      const begin = i === 0 ? 0 : this.recordEnds[i - 1];
      const file = this.recordFiles[i];
      at[file] += this.arena.copy(this.grouped, at[file], begin, this.recordEnds[i]);
    }
    for (let file = 0; file < this.paths.length; file++) {
      const length = starts[file + 1] - starts[file];
      if (length > 0) writeSync(this.descriptor(file), this.grouped, starts[file], length);
    }
    this.used = 0;
    this.records = 0;
  }

  /** Writes what the buffers hold and closes the files: every record added is on disk. */
  finish(): void {
    this.flush();
    this.close();
  }

  /** Closes the files, written or not: safe to call twice, and after a failure. */
  close(): void {
    for (const descriptor of this.descriptors) if (descriptor !== undefined) closeSync(descriptor);
    this.descriptors.length = 0;
  }
}

function grown(array: Int32Array): Int32Array {
  const larger = new Int32Array(2 * array.length);
  larger.set(array);
  return larger;
}

/**
 * A buffer that partition files are read into, kept from file to file (grown to the largest):
 * a file read as one string lands in the heap's large-object space, where it stays until a full
 * collection, so each partition tallied left a few MB behind and a thread's memory grew
 * through the pass by tens of MB.
 */
export class ReadBuffer {
  private bytes = Buffer.alloc(0);

  /** The file's bytes (none for a missing file), valid until the next read. */
  read(path: string): Buffer {
    if (!existsSync(path)) return this.bytes.subarray(0, 0);
    const descriptor = openSync(path, 'r');
    try {
      const size = fstatSync(descriptor).size;
      if (size > this.bytes.length) {
        this.bytes = Buffer.allocUnsafeSlow(Math.max(size, 2 * this.bytes.length));
      }
      let read = 0;
      while (read < size) {
        const got = readSync(descriptor, this.bytes, read, size - read, read);
        if (got === 0) break;
        read += got;
      }
      return this.bytes.subarray(0, read);
    } finally {
      closeSync(descriptor);
    }
  }
}

/**
 * One writer's records of one kind in a partition, handed out one at a time in the order added,
 * each decoded from the file's bytes as it is asked for: a reader that visits each and lets it
 * go keeps none of them alive.
 */
export class RecordReader {
  private at = 0;

  private constructor(private readonly bytes: Buffer) {}

  /** Reads the file into `into` (a buffer of its own by default). */
  static open(
    layout: PartitionLayout,
    partition: number,
    kind: RecordKind,
    writer: string,
    into = new ReadBuffer(),
  ): RecordReader {
    return new RecordReader(into.read(pathOf(layout, partition, kind, writer)));
  }

  /** The next record (without its newline), or undefined after the last. */
  next(): string | undefined {
    if (this.at >= this.bytes.length) return undefined;
    // Every record ends with a newline; a file cut short ends its last record anyway.
    const newline = this.bytes.indexOf(NEWLINE, this.at);
    const end = newline < 0 ? this.bytes.length : newline;
    const record = this.bytes.toString('utf8', this.at, end);
    this.at = end + 1;
    return record;
  }
}

/**
 * A partition pass's folder: writers append records to the partition of their key's hash (a
 * learner's, a decision's), and a partition's records are read back (RecordReader).
 * Memory holds one partition's records, whatever the log's length. The files live in a private
 * folder under the system's temporary folder (TMPDIR), removed by `remove`.
 */
export class LearnerPartitions implements PartitionLayout {
  private constructor(
    readonly folder: string,
    readonly count: number,
    readonly shardCount: number,
  ) {}

  static async create(count: number, shardCount: number): Promise<LearnerPartitions> {
    const folder = await mkdtemp(join(tmpdir(), 'engagement-partitions-'));
    return new LearnerPartitions(folder, count, shardCount);
  }

  /** Removes the folder and its files; safe to call twice, and after a failure. */
  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}
