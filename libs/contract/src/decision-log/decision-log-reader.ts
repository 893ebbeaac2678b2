import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Calls `visit` with each line of a log and its 1-based number, reading the file as a stream so
 * a log of millions of lines never sits in memory. Returns the number of lines.
 */
export async function forEachLine(
  path: string,
  visit: (text: string, line: number) => void,
): Promise<number> {
  const input = createReadStream(path, { encoding: 'utf8' });
  let line = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      visit(text, ++line);
    }
  } finally {
    input.destroy();
  }
  return line;
}
