/**
 * What start-up warns about in the environment: names that are near misses of a setting (a
 * misspelt `API_KEY` silently leaves the service without authentication), and a production
 * process without API keys. Pure: the caller writes the lines.
 */

/** Edits (insert, delete, substitute, swap two neighbours) between two names, capped at 3. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  // Optimal string alignment distance, rows of the classic table.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2] + 1);
      }
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length], 3);
}

/**
 * The setting `name` was probably meant as, if any: the same letters in another case, the
 * singular or plural of one, the same words without or with their underscores, or one or two
 * edits away (one for names of up to six letters, where two would match unrelated words: PATH
 * is two edits from PORT).
 */
export function nearMissOf(name: string, known: readonly string[]): string | undefined {
  if (known.includes(name)) return undefined;
  const upper = name.toUpperCase();
  const bare = (text: string) => text.replace(/_/g, '');
  for (const setting of known) {
    if (upper === setting || `${upper}S` === setting || upper === `${setting}S`) return setting;
    if (bare(upper) === bare(setting)) return setting;
  }
  let best: { setting: string; distance: number } | undefined;
  for (const setting of known) {
    const distance = editDistance(upper, setting);
    const allowed = Math.min(name.length, setting.length) <= 6 ? 1 : 2;
    if (distance <= allowed && (best === undefined || distance < best.distance)) {
      best = { setting, distance };
    }
  }
  return best?.setting;
}

/** One line per environment name that looks like a misspelt setting, in the order given. */
export function envWarnings(
  raw: Record<string, string | undefined>,
  known: readonly string[],
): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(raw)) {
    const meant = nearMissOf(name, known);
    if (meant !== undefined && raw[meant] === undefined) {
      lines.push(
        `environment variable ${name} is not a setting and is ignored; did you mean ${meant}?`,
      );
    }
  }
  if (raw.NODE_ENV === 'production' && !(raw.API_KEYS ?? '').trim()) {
    lines.push(
      'NODE_ENV=production and API_KEYS is not set: every client can call the API without a key (set API_KEYS, or REQUIRE_API_KEYS=true to refuse to start without them)',
    );
  }
  return lines;
}
