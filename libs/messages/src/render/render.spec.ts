import { gapParams, readableEventName } from './render';

describe(gapParams.name, () => {
  it.each([
    [1, { unit: 'days', days: 1 }],
    [60, { unit: 'days', days: 60 }],
    [61, { unit: 'months', days: 61, months: 2 }],
    [90, { unit: 'months', days: 90, months: 2 }],
    [91, { unit: 'months', days: 91, months: 3 }],
    [365, { unit: 'months', days: 365, months: 12 }],
    [366, { unit: 'year', days: 366 }],
    [12964, { unit: 'year', days: 12964 }],
  ])('%p days → %j', (days, params) => {
    expect(gapParams(days)).toEqual(params);
  });
});

describe(readableEventName.name, () => {
  it.each([
    ['ai-summit', 'AI Summit'],
    ['ux-jam-in-pune', 'UX Jam In Pune'],
    ['ml_meetup', 'ML Meetup'],
    ['coding_contest', 'Coding Contest'],
    ['meetup', 'Meetup'],
    ['Café 🎉 Meetup', 'Café 🎉 Meetup'],
    ['toString', 'toString'],
    ['東京ハッカソン', '東京ハッカソン'],
    ['--', '--'],
  ])('%p reads %p', (key, name) => {
    expect(readableEventName(key)).toBe(name);
  });
});
