/** How the CLI writes counts, shares and tables in what it prints. */

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A share as a percentage with `digits` decimals. */
export function percent(share: number, digits: number): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** A number with its sign, `+` included. */
export function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

/** A number with its sign as prose and tables print a difference: `+`, or a true minus `−`. */
export function withSign(value: number, digits: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}

/** Columns padded to their widest cell: the first (a name) to the left, numbers to the right. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  '),
  );
}
