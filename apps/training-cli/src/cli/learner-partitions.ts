import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Shard } from './shard-option';

/**
 * A key's hash (a user_id, a decision_id): 32-bit FNV-1a over its UTF-16 code units. Every
 * process computes the same hash for a key, so `--shard I/N` picks the same learners whichever
 * machine runs it, and a learner's decisions and outcomes meet in one shard and one partition.
 */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
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

/** Bytes of input per partition: a partition's learners, read back at once, stay a few MB. */
const INPUT_BYTES_PER_PARTITION = 48 * 1024 * 1024;
/** A gzipped log is about this many times smaller than its lines. */
const GZIP_RATIO = 8;
const MAX_PARTITIONS = 4096;

/**
 * How many partitions a log of these file sizes (bytes as stored) is split into, so that one
 * partition's records fit in a few tens of MB whatever the log's length.
 */
export function partitionCount(files: readonly { path: string; bytes: number }[]): number {
  const bytes = files.reduce(
    (sum, file) => sum + file.bytes * (file.path.endsWith('.gz') ? GZIP_RATIO : 1),
    0,
  );
  return Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(bytes / INPUT_BYTES_PER_PARTITION)));
}

/** Bytes a partition's records wait in memory before they are written. */
const FLUSH_BYTES = 64 * 1024;

/**
 * What each partition keeps, each kind in a file of its own: decisions and outcomes by learner,
 * decision ids by their own hash.
 */
export type RecordKind = 'decisions' | 'outcomes' | 'ids';
const KINDS: readonly RecordKind[] = ['decisions', 'outcomes', 'ids'];

/**
 * A partition pass on disk: records (one line each, the caller's format) are appended to the
 * partition of their key's hash (a learner's, a decision's), and read back a partition at a time. Memory holds
 * one partition's records and a small buffer per partition file, whatever the log's length. The
 * files live in a private folder under the system's temporary folder (TMPDIR), removed by
 * `remove`.
 */
export class LearnerPartitions {
  private readonly buffers: string[];
  private readonly descriptors: number[];

  private constructor(
    private readonly folder: string,
    readonly count: number,
    private readonly shardCount: number,
  ) {
    this.buffers = new Array<string>(count * KINDS.length).fill('');
    this.descriptors = Array.from({ length: count * KINDS.length }, (_, i) =>
      openSync(this.pathOf(i), 'w'),
    );
  }

  /**
   * Partitions for a shard's keys (`shardCount` shards in all): the partition is taken from the
   * hash's bits above the shard's, so a shard's keys spread over all its partitions.
   */
  static async create(count: number, shardCount: number): Promise<LearnerPartitions> {
    const folder = await mkdtemp(join(tmpdir(), 'engagement-partitions-'));
    return new LearnerPartitions(folder, count, shardCount);
  }

  private pathOf(file: number): string {
    return join(this.folder, `${file}.ndjson`);
  }

  private fileOf(hash: number, kind: RecordKind): number {
    const partition = Math.floor(hash / this.shardCount) % this.count;
    return partition * KINDS.length + KINDS.indexOf(kind);
  }

  /** Appends a record (no newline in it) to the partition of the key with this hash. */
  add(hash: number, kind: RecordKind, record: string): void {
    const file = this.fileOf(hash, kind);
    const buffered = `${this.buffers[file]}${record}\n`;
    if (buffered.length < FLUSH_BYTES) {
      this.buffers[file] = buffered;
      return;
    }
    writeSync(this.descriptors[file], buffered);
    this.buffers[file] = '';
  }

  /** Writes what the buffers hold and closes the files: every record added is on disk. */
  finish(): void {
    this.buffers.forEach((buffered, file) => {
      if (buffered.length > 0) writeSync(this.descriptors[file], buffered);
      this.buffers[file] = '';
      closeSync(this.descriptors[file]);
    });
    this.descriptors.length = 0;
  }

  /** A partition's records of one kind, in the order they were added. */
  records(partition: number, kind: RecordKind): string[] {
    const text = readFileSync(this.pathOf(partition * KINDS.length + KINDS.indexOf(kind)), 'utf8');
    return text.length === 0 ? [] : text.slice(0, -1).split('\n');
  }

  /** Removes the folder and its files; safe to call twice, and after a failure. */
  remove(): void {
    for (const descriptor of this.descriptors) closeSync(descriptor);
    this.descriptors.length = 0;
    rmSync(this.folder, { recursive: true, force: true });
  }
}
