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

/** A writer whose sink keeps the chunks. */
function writer(chunkBytes?: number) {
  const chunks: Uint8Array[] = [];
  const sut = new BatchAnswerWriter((chunk) => chunks.push(chunk), 'full', chunkBytes);
  return { sut, chunks, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe(BatchAnswerWriter.name, () => {
  it('answers an empty batch with an empty results array', () => {
    const { sut, chunks, text } = writer();
    expect(sut.finish()).toEqual({ bytes: 14, items: 0, failed: 0, nudges: [] });
    expect(text()).toBe('{"results":[]}');
    expect(chunks).toHaveLength(1);
  });

  it('writes the JSON a body of { results } would be, in chunks of about the size asked', () => {
    const results = [
      answered('stu_1', ['resume', 'quiz']),
      failed(1),
      answered('stu_é', ['resume']),
      answered('stu_3', []),
    ];
    const { sut, chunks, text } = writer(40);
    sut.add(results[0]);
    // Each chunk goes to the sink as soon as it is encoded.
    expect(chunks).toHaveLength(1);
    for (const result of results.slice(1)) sut.add(result);
    const summary = sut.finish();

    expect(text()).toBe(JSON.stringify({ results }));
    expect(summary.bytes).toBe(Buffer.byteLength(JSON.stringify({ results })));
    // Sent whenever 40 bytes waited: after the first, second, third and fourth results.
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([
      Buffer.byteLength(`{"results":[${JSON.stringify(results[0])}`),
      Buffer.byteLength(`,${JSON.stringify(results[1])}`),
      Buffer.byteLength(`,${JSON.stringify(results[2])}`),
      Buffer.byteLength(`,${JSON.stringify(results[3])}`),
      2,
    ]);
    // Each chunk owns its buffer, so a thread can transfer it.
    expect(chunks.map((chunk) => chunk.byteOffset)).toEqual([0, 0, 0, 0, 0]);
    expect(new Set(chunks.map((chunk) => chunk.buffer)).size).toBe(chunks.length);
    expect(summary).toMatchObject({
      items: 4,
      failed: 1,
      nudges: [
        ['resume', 'rule', 2],
        ['quiz', 'ml', 1],
      ],
    });
  });
});
