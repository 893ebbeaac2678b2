import { v7 as uuidv7 } from 'uuid';
import { fnv1a32 } from './assignment';

/** A new decision id: a UUIDv7, so ids sort by the time they were made. */
export function newDecisionId(): string {
  return uuidv7();
}

/**
 * Uniform numbers in [0, 1) drawn from the decision id (mulberry32 seeded with its FNV-1a hash):
 * the same request and id explore the same way, so an answer can be replayed.
 */
export function decisionRandom(decisionId: string): () => number {
  let state = fnv1a32(decisionId);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
