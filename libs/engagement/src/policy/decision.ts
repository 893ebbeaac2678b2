import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { fnv1a32 } from '@app/learner';

/**
 * Random bytes for 256 decision ids, drawn at once. The uuid package draws 16 ids' worth per
 * call to randomFillSync, and each call costs about as much as the rest of making the id: 4% of
 * the engine's time per learner in a profile. Node's own randomUUID keeps a pool the same way.
 */
const POOL = Buffer.allocUnsafeSlow(16 * 256);
let poolAt = POOL.length;

/** The last id's millisecond and counter, as the uuid package keeps them for its own v7. */
const clock = { msecs: -Infinity, seq: 0 };

/**
 * A new decision id: a UUIDv7, so ids sort by the time they were made. Within one millisecond
 * the counter goes up by one per id, starting from random bits, as the uuid package's v7 does
 * (RFC 9562, §6.2, method 1); the package lays out and formats the id.
 */
export function newDecisionId(now = Date.now()): string {
  if (poolAt === POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const random = POOL.subarray(poolAt, (poolAt += 16));
  if (now > clock.msecs) {
    clock.seq = (random[6] << 23) | (random[7] << 16) | (random[8] << 8) | random[9];
    clock.msecs = now;
  } else {
    clock.seq = (clock.seq + 1) | 0;
    if (clock.seq === 0) clock.msecs++;
  }
  return uuidv7({ random, msecs: clock.msecs, seq: clock.seq });
}

/**
 * Uniform numbers in [0, 1) drawn from the decision id (mulberry32 seeded with its FNV-1a hash):
 * the same request and id explore the same way, so an answer can be replayed. The id is hashed
 * at the first draw: a policy that does not explore draws none.
 */
export function decisionRandom(decisionId: string): () => number {
  let state: number | undefined;
  return () => {
    state = ((state ?? fnv1a32(decisionId)) + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
