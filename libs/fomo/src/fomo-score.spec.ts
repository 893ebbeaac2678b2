import { computeFomo, DEFAULT_FOMO_SETTINGS, FomoInput, fomoLevel } from './fomo-score';

const sut = (input: FomoInput) => computeFomo(input, DEFAULT_FOMO_SETTINGS);

describe(computeFomo.name, () => {
  it('matches the documented worked example: 0.4·⅓ + 0.3·0.7 + 0.3·16⁄30 = 0.503 → 0.50', () => {
    expect(
      sut({
        buddiesAttending: 1,
        buddyCount: 3,
        eventAttendance: [
          ['startup-meetup', 5],
          ['coding-contest', 9],
        ],
        daysSinceLastEvent: 16,
      }),
    ).toEqual({
      score: 0.5,
      level: 'medium',
      days_since_last_event: 16,
      factors: { buddies: 0.33, batch: 0.7, recency: 0.53 },
    });
  });

  it('gives 0 buddy and batch factors with no buddies and no events; never attended is recency 1', () => {
    // x = 0.3 · 1 = 0.3 → 1 / (1 + e^1) = 0.2689
    expect(
      sut({ buddiesAttending: 2, buddyCount: 0, eventAttendance: [], daysSinceLastEvent: null }),
    ).toEqual({
      score: 0.27,
      level: 'low',
      days_since_last_event: null,
      factors: { buddies: 0, batch: 0, recency: 1 },
    });
  });

  it('saturates every factor at 1: exactly 30 days, all buddies, full events', () => {
    // x = 1 → 1 / (1 + e^-2.5) = 0.9241
    expect(
      sut({
        buddiesAttending: 3,
        buddyCount: 3,
        eventAttendance: [
          ['a', 10],
          ['b', 25],
        ],
        daysSinceLastEvent: 30,
      }),
    ).toEqual({
      score: 0.92,
      level: 'high',
      days_since_last_event: 30,
      factors: { buddies: 1, batch: 1, recency: 1 },
    });
  });

  it('caps the buddy factor at 1 and recency beyond 30 days', () => {
    const result = sut({
      buddiesAttending: 5,
      buddyCount: 2,
      eventAttendance: [['a', 0]],
      daysSinceLastEvent: 90,
    });
    // x = 0.4 + 0 + 0.3 = 0.7 → 1 / (1 + e^-1) = 0.7311
    expect(result).toMatchObject({ score: 0.73, factors: { buddies: 1, batch: 0, recency: 1 } });
  });

  it('attended today with no buddies or events scores the floor', () => {
    // x = 0 → 1 / (1 + e^2.5) = 0.0759
    expect(
      sut({ buddiesAttending: 0, buddyCount: 4, eventAttendance: [], daysSinceLastEvent: 0 }).score,
    ).toBe(0.08);
  });

  it('uses the weights and constants from the settings', () => {
    const settings = {
      ...DEFAULT_FOMO_SETTINGS,
      weights: { buddies: 0, batch: 0, recency: 1 },
      recency_days: 60,
    };
    // recency = 30 / 60 = 0.5 → x = 0.5 → 0.5
    expect(
      computeFomo(
        { buddiesAttending: 0, buddyCount: 0, eventAttendance: [], daysSinceLastEvent: 30 },
        settings,
      ),
    ).toMatchObject({ score: 0.5, factors: { recency: 0.5 } });
  });
});

describe(fomoLevel.name, () => {
  it.each([
    [0.29, 'low'],
    [0.3, 'medium'],
    [0.69, 'medium'],
    [0.7, 'high'],
    [1, 'high'],
  ])('%p is %p', (score, level) => {
    expect(fomoLevel(score, DEFAULT_FOMO_SETTINGS.levels)).toBe(level);
  });
});
