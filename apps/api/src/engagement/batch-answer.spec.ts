import type { BatchResult } from '@app/contract';
import { BatchAnswerWriter, batchAnswerText } from './batch-answer';

const answered = (user: string, types: string[]): BatchResult =>
  ({
    index: 0,
    user_id: user,
    nudges: types.map((type) => ({ type, source: type === 'quiz' ? 'ml' : 'rule' })),
  }) as unknown as BatchResult;

const failed = (index: number): BatchResult =>
  ({ index, error: { status: 400, title: 'Bad Request' } }) as unknown as BatchResult;

describe(BatchAnswerWriter.name, () => {
  it('answers an empty batch with an empty results array', () => {
    const summary = new BatchAnswerWriter().finish();
    expect(batchAnswerText(summary)).toBe('{"results":[]}');
    expect(summary).toMatchObject({ bytes: 14, items: 0, failed: 0, nudges: [] });
  });

  it('writes the JSON a body of { results } would be, in chunks of about the size asked', () => {
    const results = [
      answered('stu_1', ['resume', 'quiz']),
      failed(1),
      answered('stu_é', ['resume']),
      answered('stu_3', []),
    ];
    const writer = new BatchAnswerWriter(40);
    for (const result of results) writer.add(result);
    const summary = writer.finish();

    expect(batchAnswerText(summary)).toBe(JSON.stringify({ results }));
    expect(summary.bytes).toBe(Buffer.byteLength(JSON.stringify({ results })));
    // Encoded whenever 40 characters waited: after the first, second, third and fourth results.
    expect(summary.body.map((chunk) => chunk.byteLength)).toEqual([
      Buffer.byteLength(`{"results":[${JSON.stringify(results[0])}`),
      Buffer.byteLength(`,${JSON.stringify(results[1])}`),
      Buffer.byteLength(`,${JSON.stringify(results[2])}`),
      Buffer.byteLength(`,${JSON.stringify(results[3])}`),
      2,
    ]);
    // Each chunk owns its buffer, so a thread can transfer it.
    for (const chunk of summary.body) expect(chunk.byteLength).toBe(chunk.buffer.byteLength);
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
