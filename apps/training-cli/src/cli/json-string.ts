const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const FIRST_SURROGATE = 0xd800;
const LAST_SURROGATE = 0xdfff;

/**
 * A string as JSON.stringify writes it. One with nothing to escape (no quote, backslash or
 * control character, and no surrogate, which JSON.stringify escapes when unpaired), as ids and
 * hashes nearly always are, is quoted as it is: a partition record writes several strings per
 * line, and a call of JSON.stringify costs more than this look at each character.
 */
export function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (
      code < SPACE ||
      code === QUOTE ||
      code === BACKSLASH ||
      (code >= FIRST_SURROGATE && code <= LAST_SURROGATE)
    ) {
      return JSON.stringify(value);
    }
  }
  return `"${value}"`;
}
