import { Delivery } from '@app/contract';
import { NudgeType } from '@app/learner';
import { buildEngineConfig } from '../config/engine-config.loader';
import { deliveryHistory, fatigueState, fatigueUnderCap } from './fatigue';

const fatigue = buildEngineConfig({}).fatigue;
const AS_OF = 20_000;

const sent = (type: NudgeType, daysAgo: number, outcome: Delivery['outcome'] = null): Delivery => ({
  type,
  day: AS_OF - daysAgo,
  outcome,
});

describe(fatigueState.name, () => {
  it('allows everything without a history, up to the weekly cap', () => {
    const sut = fatigueState([], AS_OF, fatigue);
    expect(sut.coolingDown).toEqual(new Map());
    expect(sut.room).toBe(10);
    expect(sut.capFreesOn).toBeNull();
  });

  it('holds a type for its cooldown after its latest delivery, twice as long after a dismissal', () => {
    const sut = fatigueState(
      [
        sent('quiz', 2),
        sent('quiz', 10),
        sent('resume', 6),
        sent('project', 7),
        sent('comeback', 8, 'dismissed'),
      ],
      AS_OF,
      fatigue,
    );
    expect(sut.coolingDown).toEqual(
      new Map<NudgeType, number>([
        ['quiz', AS_OF + 1],
        ['resume', AS_OF + 1],
        ['comeback', AS_OF + 6],
      ]),
    );
  });

  it("rests a type until the last of its deliveries' cooldowns ends", () => {
    const sut = fatigueState(
      [sent('quiz', 4, 'dismissed'), sent('quiz', 1, 'acted')],
      AS_OF,
      fatigue,
    );
    expect(sut.coolingDown.get('quiz')).toBe(AS_OF + 2);
    const later = fatigueState([sent('quiz', 8, 'dismissed'), sent('quiz', 7)], AS_OF, fatigue);
    expect(later.coolingDown.get('quiz')).toBeUndefined();
    const longer = fatigueState(
      [sent('resume', 8, 'dismissed'), sent('resume', 7)],
      AS_OF,
      fatigue,
    );
    expect(longer.coolingDown.get('resume')).toBe(AS_OF + 6);
  });

  it('caps deliveries over the 7 days up to as_of and says when a place frees', () => {
    const tight = { ...fatigue, max_nudges_per_7_days: 3 };
    const history = [sent('quiz', 0), sent('resume', 3), sent('project', 6), sent('comeback', 7)];
    const sut = fatigueState(history, AS_OF, tight);
    expect(sut.room).toBe(0);
    // The oldest of the three in the window (6 days ago) leaves it tomorrow.
    expect(sut.capFreesOn).toBe(AS_OF + 1);
    expect(fatigueState(history.slice(1), AS_OF, tight).room).toBe(1);
    expect(
      fatigueState(history, AS_OF, { ...tight, max_nudges_per_7_days: 0 }).capFreesOn,
    ).toBeNull();
  });

  it('weights a recently delivered type down, recovering with the half-life', () => {
    const sut = fatigueState(
      [sent('quiz', 0), sent('resume', 7), sent('project', 14)],
      AS_OF,
      fatigue,
    );
    expect(sut.rankWeight.get('quiz')).toBe(0.5);
    expect(sut.rankWeight.get('resume')).toBe(0.75);
    expect(sut.rankWeight.get('project')).toBe(0.875);
    expect(sut.rankWeight.get('comeback')).toBeUndefined();
  });

  it('reads one history under any weekly cap: only the room and the day a place frees change', () => {
    // Out of order, as a request may list them: the cap counts the week's days sorted.
    const history = [sent('resume', 3), sent('quiz', 0), sent('comeback', 8), sent('project', 6)];
    const read = deliveryHistory(history, AS_OF, fatigue);
    expect(read.weekDays).toEqual([AS_OF - 6, AS_OF - 3, AS_OF]);
    const byCap = [0, 1, 2, 3, 4].map((cap) => fatigueUnderCap(read, cap));
    expect(byCap.map(({ room, capFreesOn }) => [room, capFreesOn])).toEqual([
      [0, null],
      [0, AS_OF + 7],
      [0, AS_OF + 4],
      [0, AS_OF + 1],
      [1, null],
    ]);
    for (const [cap, state] of byCap.entries()) {
      expect(state).toEqual(
        fatigueState(history, AS_OF, { ...fatigue, max_nudges_per_7_days: cap }),
      );
      expect(state.coolingDown).toBe(read.coolingDown);
      expect(state.rankWeight).toBe(read.rankWeight);
    }
  });
});
