import { AnswerSlots } from './answer-slots';

const bytes = (text: string) => new TextEncoder().encode(text);

describe(AnswerSlots.name, () => {
  it('copies a chunk into a free slot, reads it back uncopied, and takes the slot until freed', () => {
    const sut = AnswerSlots.create(2, 8);
    expect(sut.put(bytes('first'))).toBe(0);
    expect(sut.put(bytes('second'))).toBe(1);
    expect(sut.taken()).toBe(2);
    // Every slot taken: the caller sends the chunk another way.
    expect(sut.put(bytes('third'))).toBe(-1);

    const view = sut.view(1, 6);
    expect(view.toString('utf8')).toBe('second');
    expect(view.buffer).toBe(sut.data.bytes);

    sut.free(0);
    expect(sut.taken()).toBe(1);
    expect(sut.put(bytes('again'))).toBe(0);
    expect(sut.view(0, 5).toString('utf8')).toBe('again');
  });

  it('takes no chunk larger than a slot', () => {
    const sut = AnswerSlots.create(4, 8);
    expect(sut.put(bytes('nine char'))).toBe(-1);
    expect(sut.put(bytes('8 chars!'))).toBe(0);
    expect(sut.taken()).toBe(1);
  });
});
