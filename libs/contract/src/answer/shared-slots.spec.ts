import { SharedSlots } from './shared-slots';

const bytes = (text: string) => new TextEncoder().encode(text);

describe(SharedSlots.name, () => {
  it('copies a chunk into a free slot, reads it back uncopied, and takes the slot until freed', () => {
    const sut = SharedSlots.create(2, 8);
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
    const sut = SharedSlots.create(4, 8);
    expect(sut.put(bytes('nine char'))).toBe(-1);
    expect(sut.put(bytes('8 chars!'))).toBe(0);
    expect(sut.taken()).toBe(1);
  });

  it('gives a claimed slot to be written in place, then read back by its number', () => {
    const sut = SharedSlots.create(2, 8);
    const slot = sut.claim();
    expect(slot).toBe(0);
    const memory = sut.memoryOf(slot);
    expect(memory.length).toBe(8);
    memory.write('in place', 'utf8');
    expect(sut.view(slot, 5).toString('utf8')).toBe('in pl');
    expect(sut.claim()).toBe(1);
    expect(sut.claim()).toBe(-1);
    sut.free(slot);
    expect(sut.claim()).toBe(0);
  });
});
