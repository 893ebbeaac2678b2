import { open } from 'node:fs/promises';
import { Shard } from '../cli/shard-option';

/** The part of the input a shard scores: whole lines, and the number of the first. */
export interface ShardRange {
  /** Byte offset of the shard's first line. */
  readonly start: number;
  /** Byte offset just past its last line. */
  readonly end: number;
  /** 1-based number of its first line in the whole file, for error lines. */
  readonly firstLine: number;
}

const NEWLINE = 0x0a;
const SCAN_BYTES = 1 << 16;

/**
 * A shard is the lines whose first byte falls in its N-th of the file's bytes, so the shards
 * are disjoint, cover every line, keep the file's order, and need no index: shard outputs
 * concatenated in order are the unsharded output. Finding the bounds reads a few bytes around
 * each cut; numbering the first line counts the newlines before it.
 */
export async function shardRange(path: string, size: number, shard: Shard): Promise<ShardRange> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SCAN_BYTES);
    /** The first line start at or after `offset`: 0, or just after a newline. */
    const lineStartFrom = async (offset: number): Promise<number> => {
      if (offset <= 0) return 0;
      for (let at = offset - 1; at < size; at += SCAN_BYTES) {
        const { bytesRead } = await file.read(buffer, 0, SCAN_BYTES, at);
        const newline = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
        if (newline >= 0) return at + newline + 1;
      }
      return size;
    };
    const cut = (index: number) => Math.floor((size * index) / shard.count);
    const start = await lineStartFrom(cut(shard.index));
    const end = shard.index === shard.count - 1 ? size : await lineStartFrom(cut(shard.index + 1));
    let newlines = 0;
    for (let at = 0; at < start; at += SCAN_BYTES) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(SCAN_BYTES, start - at), at);
      const bytes = buffer.subarray(0, bytesRead);
      for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) newlines++;
    }
    return { start, end: Math.max(start, end), firstLine: newlines + 1 };
  } finally {
    await file.close();
  }
}
