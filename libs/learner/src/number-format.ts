/** Rounds to 2 decimal places: scores and factors are reported, and compared, this way. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Numbers as people write them: 70, 1.5, 0.33. */
export function formatNumber(x: number): string {
  return String(round2(x));
}
