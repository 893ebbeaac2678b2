export const FNV_OFFSET_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/**
 * 32-bit FNV-1a as GrowthBook computes it: over UTF-16 code units (each XORed in whole, so a
 * non-ASCII character is not split into UTF-8 bytes and an astral one counts as two surrogates).
 * `Math.imul` by the prime equals GrowthBook's shift-and-add multiply modulo 2^32.
 */
export function fnv1a32(text: string): number {
  return fnvOver(FNV_OFFSET_BASIS, text) >>> 0;
}

/** FNV-1a's state after `text` from `hash`: two strings joined hash as one after the other. */
export function fnvOver(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  }
  return hash;
}
