/** Beyond this many entries the built-in sort's O(n log n) pays for its setting up. */
const INSERTION_LIMIT = 16;

/**
 * Sorts `array` in place, stably, and returns it: as Array.prototype.sort, for a comparator that
 * orders consistently. The engine sorts a few entries at a time (drafts, nudges, days) several
 * times an answer, and the built-in sort costs about 120 ns for 3 entries where an insertion
 * sort, the comparator inlined, costs about 10.
 */
export function stableSort<T>(array: T[], compare: (a: T, b: T) => number): T[] {
  if (array.length > INSERTION_LIMIT) return array.sort(compare);
  for (let i = 1; i < array.length; i++) {
    const entry = array[i];
    let j = i - 1;
    // Strictly greater: an equal entry stays behind the one before it.
    while (j >= 0 && compare(array[j], entry) > 0) {
      array[j + 1] = array[j];
      j--;
    }
    array[j + 1] = entry;
  }
  return array;
}
