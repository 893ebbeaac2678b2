import type { BatchResult } from '@app/contract';
import { BatchAnswerWriter } from './batch-answer';

const answered = (user: string, types: string[]): BatchResult =>
  ({
    kind: 'analysis',
    user_id: user,
    nudges: types.map((type) => ({ type, source: type === 'quiz' ? 'ml' : 'rule' })),
  }) as unknown as BatchResult;

const failed = (index: number): BatchResult =>
  ({
    kind: 'error',
    index,
    error: { status: 400, title: 'Bad Request' },
  }) as unknown as BatchResult;

/** A writer whose sink keeps a copy of each chunk (the writer writes its buffer again). */
function writer(chunkBytes?: number) {
  const chunks: Uint8Array[] = [];
  const sut = new BatchAnswerWriter(
    (chunk) => chunks.push(new Uint8Array(chunk)),
    'full',
    chunkBytes,
  );
  return { sut, chunks, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe(BatchAnswerWriter.name, () => {
  it('answers an empty batch with an empty results array', () => {
    const { sut, chunks, text } = writer();
    expect(sut.finish()).toEqual({ bytes: 14, items: 0, failed: 0, nudges: [] });
    expect(text()).toBe('{"results":[]}');
    expect(chunks).toHaveLength(1);
  });

  it('writes the JSON a body of { results } would be, in chunks of at most the size asked', () => {
    const results = [
      answered('stu_1', ['resume', 'quiz']),
      failed(1),
      answered('stu_é', ['resume']),
      answered('stu_3', []),
    ];
    const texts = results.map((result) => JSON.stringify(result));
    const bytes = texts.map((text) => Buffer.byteLength(text));
    // Room for the opening and the first result, or for any two results and their commas.
    const chunkBytes = Math.max(12 + bytes[0], ...bytes.slice(1).map((n) => n + 1)) + 1;
    const { sut, chunks, text } = writer(2 * chunkBytes - 1);
    sut.add(results[0]);
    sut.add(results[1]);
    // A chunk goes to the sink as soon as the next result would not fit it.
    sut.add(results[2]);
    expect(chunks).toHaveLength(1);
    sut.add(results[3]);
    const summary = sut.finish();

    expect(text()).toBe(JSON.stringify({ results }));
    expect(summary.bytes).toBe(Buffer.byteLength(JSON.stringify({ results })));
    expect(chunks.map((chunk) => Buffer.from(chunk).toString('utf8'))).toEqual([
      `{"results":[${texts[0]},${texts[1]}`,
      `,${texts[2]},${texts[3]}]}`,
    ]);
    expect(chunks.every((chunk) => chunk.byteLength <= 2 * chunkBytes - 1)).toBe(true);
    expect(summary).toMatchObject({
      items: 4,
      failed: 1,
      nudges: [
        ['resume', 'rule', 2],
        ['quiz', 'ml', 1],
      ],
    });
  });

  it('sends a result longer than a chunk as a chunk of its own, after what waited', () => {
    const long = answered('stu_' + 'x'.repeat(200), ['resume']);
    const { sut, chunks, text } = writer(100);
    sut.add(failed(0));
    sut.add(long);
    sut.add(failed(2));
    sut.finish();
    expect(text()).toBe(JSON.stringify({ results: [failed(0), long, failed(2)] }));
    expect(chunks.map((chunk) => Buffer.from(chunk).toString('utf8'))).toEqual([
      `{"results":[${JSON.stringify(failed(0))}`,
      `,${JSON.stringify(long)}`,
      `,${JSON.stringify(failed(2))}]}`,
    ]);
  });

  it('hands the sink a view of one buffer, written again after each chunk', () => {
    const seen: Uint8Array[] = [];
    const sut = new BatchAnswerWriter((chunk) => seen.push(chunk), 'full', 16);
    sut.add(failed(0));
    sut.add(failed(1));
    sut.finish();
    expect(new Set(seen.map((chunk) => chunk.buffer)).size).toBe(1);
  });
});
