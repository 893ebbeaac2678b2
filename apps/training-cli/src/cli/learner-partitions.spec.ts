import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  keyHash,
  LearnerPartitions,
  PartitionWriter,
  ReadBuffer,
  RecordReader,
} from './learner-partitions';

/** A reader's records, in turn. */
function records(reader: RecordReader): string[] {
  const seen: string[] = [];
  for (let record = reader.next(); record !== undefined; record = reader.next()) {
    seen.push(record);
  }
  return seen;
}

describe(PartitionWriter.name, () => {
  let partitions: LearnerPartitions;
  beforeEach(async () => (partitions = await LearnerPartitions.create(7, 1)));
  afterEach(() => partitions.remove());

  it("gives back each partition's records in the order added, through many flushes, for each writer and kind", () => {
    // About 6 MB of records: the writer's 2 MB buffer fills and is written out three times.
    // By writer, partition and kind.
    const expected = new Map<string, string[]>();
    const expectRecord = (writer: string, key: string, kind: string, record: string) => {
      const slot = `${writer}-${keyHash(key) % 7}-${kind}`;
      expected.set(slot, [...(expected.get(slot) ?? []), record]);
    };
    const writers = ['a', 'b'].map((name) => ({
      name,
      writer: new PartitionWriter(partitions, name),
    }));
    for (let i = 0; i < 12_000; i++) {
      const { name, writer } = writers[i % 2];
      const kind = i % 3 === 0 ? 'ids' : 'decisions';
      const key = `learner-${i % 500}`;
      // Multi-byte text, so a record's bytes are not its length.
      const record = JSON.stringify([key, i, 'é→😀'.repeat(i % 7), 'x'.repeat(400)]);
      writer.add(keyHash(key), kind, record);
      expectRecord(name, key, kind, record);
    }
    // A record larger than the buffer is written on its own, after what was added before it.
    const large = JSON.stringify(['learner-3', 'y'.repeat(3 * 1024 * 1024)]);
    writers[1].writer.add(keyHash('learner-3'), 'decisions', large);
    expectRecord('b', 'learner-3', 'decisions', large);
    for (const { writer } of writers) writer.finish();

    for (let partition = 0; partition < 7; partition++) {
      for (const kind of ['decisions', 'ids'] as const) {
        // Writer a's records, then b's: each in the order added.
        const of = (writer: string) => expected.get(`${writer}-${partition}-${kind}`) ?? [];
        const read = (writer: string) =>
          records(RecordReader.open(partitions, partition, kind, writer));
        expect([...read('a'), ...read('b')]).toEqual([...of('a'), ...of('b')]);
      }
    }
  });
});

describe(RecordReader.name, () => {
  let partitions: LearnerPartitions;
  beforeEach(async () => (partitions = await LearnerPartitions.create(2, 1)));
  afterEach(() => partitions.remove());

  it('reads a file cut short to its last record, a missing file as none, and reuses its buffer for a smaller file', () => {
    const buffer = new ReadBuffer();
    writeFileSync(join(partitions.folder, '0-ids-a.ndjson'), '["long record","é→😀"]\n["b"]');
    writeFileSync(join(partitions.folder, '1-ids-a.ndjson'), '["c"]\n');

    expect(records(RecordReader.open(partitions, 0, 'ids', 'a', buffer))).toEqual([
      '["long record","é→😀"]',
      '["b"]',
    ]);
    expect(records(RecordReader.open(partitions, 1, 'ids', 'a', buffer))).toEqual(['["c"]']);
    expect(records(RecordReader.open(partitions, 1, 'decisions', 'a', buffer))).toEqual([]);
  });
});
