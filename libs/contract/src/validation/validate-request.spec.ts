import { parseCalendarDate } from '@app/learner';
import { EXAMPLE_REQUEST } from '../dto/examples';
import { DELETE } from '../testing/hostile-bodies';
import { withField } from '../testing/request-fixtures';
import { validateAnalyzeRequest } from './validate-request';

const TODAY = parseCalendarDate('2025-07-15')!;
function errorsOf(body: unknown): string[] {
  const result = validateAnalyzeRequest(body, TODAY);
  return result.ok ? [] : result.errors.map((error) => error.message);
}

describe(validateAnalyzeRequest.name, () => {
  it('accepts the example request and resolves its as_of', () => {
    const result = validateAnalyzeRequest(EXAMPLE_REQUEST, TODAY);
    expect(result.ok && result.value.asOf).toBe(parseCalendarDate('2025-06-30'));
  });

  it('uses the default day when as_of is absent and writes it back', () => {
    const result = validateAnalyzeRequest(withField('as_of', DELETE), TODAY);
    expect(result.ok && [result.value.asOf, result.value.request.as_of]).toEqual([
      TODAY,
      '2025-07-15',
    ]);
  });

  it('ignores unknown fields and strips them', () => {
    const result = validateAnalyzeRequest(
      withField('user_data.profile.favourite_colour', 'teal'),
      TODAY,
    );
    expect(result.ok && 'favourite_colour' in result.value.request.user_data.profile).toBe(false);
  });

  it.each([
    ['user_data.profile.karma', '190', 'user_data.profile.karma must be a non-negative integer'],
    ['user_data.profile.karma', -1, 'user_data.profile.karma must be a non-negative integer'],
    ['user_data.profile.karma', 1.5, 'user_data.profile.karma must be a non-negative integer'],
    ['user_data.profile.karma', 1e12, 'user_data.profile.karma must be at most 1000000000'],
    ['user_data.profile.karma', DELETE, 'user_data.profile.karma is required'],
    [
      'user_data.profile.resume_uploaded',
      'false',
      'user_data.profile.resume_uploaded must be a boolean (true or false)',
    ],
    [
      'user_data.profile.resume_uploaded',
      0,
      'user_data.profile.resume_uploaded must be a boolean (true or false)',
    ],
    [
      'user_data.profile.goal_tags',
      'GRE',
      'user_data.profile.goal_tags must be an array of at most 50 strings of at most 64 characters',
    ],
    [
      'user_data.profile.goal_tags',
      ['x'.repeat(65)],
      'user_data.profile.goal_tags must be an array of at most 50 strings of at most 64 characters',
    ],
    [
      'user_data.profile.goal_tags',
      new Array(51).fill('t'),
      'user_data.profile.goal_tags must be an array of at most 50 strings of at most 64 characters',
    ],
    [
      'user_data.profile.clubs_joined',
      [1],
      'user_data.profile.clubs_joined must be an array of at most 100 strings of at most 64 characters',
    ],
    ['user_data.profile.buddy_count', null, 'user_data.profile.buddy_count is required'],
    ['user_data.profile', [], 'user_data.profile must be an object'],
    ['user_data.user_id', '', 'user_data.user_id must be a string of 1 to 128 characters'],
    ['user_data.user_id', 7023, 'user_data.user_id must be a string of 1 to 128 characters'],
    [
      'user_data.user_id',
      'u'.repeat(129),
      'user_data.user_id must be a string of 1 to 128 characters',
    ],
    [
      'user_data.activity.login_streak',
      true,
      'user_data.activity.login_streak must be a non-negative integer',
    ],
    [
      'user_data.activity.last_event_attended',
      '2025-02-30',
      'user_data.activity.last_event_attended must be a real calendar date: 2025-02-30 does not exist',
    ],
    [
      'user_data.activity.last_event_attended',
      '14/06/2025',
      'user_data.activity.last_event_attended must be a calendar date in YYYY-MM-DD format',
    ],
    [
      'user_data.activity.last_event_attended',
      '2025-07-01',
      'user_data.activity.last_event_attended must not be after as_of (2025-06-30)',
    ],
    [
      'user_data.activity.last_quiz_taken',
      20250601,
      'user_data.activity.last_quiz_taken must be a calendar date in YYYY-MM-DD format',
    ],
    [
      'user_data.profile.quiz_history',
      ['python', '2025-13-01'],
      'user_data.profile.quiz_history[1] must be a real calendar date: 2025-13-01 does not exist',
    ],
    [
      'user_data.profile.quiz_history',
      ['01/06/2025', 'python'],
      'user_data.profile.quiz_history[0] looks like a date but is not one in YYYY-MM-DD format or an RFC 3339 date-time (a topic must not look like a date)',
    ],
    [
      'user_data.profile.quiz_history',
      ['2026-01-01'],
      'user_data.profile.quiz_history[0] must not be after as_of (2025-06-30)',
    ],
    [
      'peer_snapshot.batch_resume_uploaded_pct',
      100.5,
      'peer_snapshot.batch_resume_uploaded_pct must be a number from 0 to 100',
    ],
    [
      'peer_snapshot.batch_resume_uploaded_pct',
      '84',
      'peer_snapshot.batch_resume_uploaded_pct must be a number from 0 to 100',
    ],
    [
      'peer_snapshot.batch_avg_projects',
      -0.5,
      'peer_snapshot.batch_avg_projects must be a non-negative number',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { meetup: 2.5 },
      'peer_snapshot.batch_event_attendance["meetup"] must be a non-negative integer',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { meetup: '3' },
      'peer_snapshot.batch_event_attendance["meetup"] must be a non-negative integer',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      ['meetup'],
      'peer_snapshot.batch_event_attendance must be an object mapping event names to attendee counts',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { constructor: 1 },
      'peer_snapshot.batch_event_attendance must not use the reserved event name "constructor"',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { '': 1 },
      'peer_snapshot.batch_event_attendance must have event names of 1 to 128 characters',
    ],
    [
      'peer_snapshot.buddies_attending_events',
      [''],
      'peer_snapshot.buddies_attending_events must be an array of at most 200 event names of 1 to 128 characters',
    ],
    ['peer_snapshot', DELETE, 'peer_snapshot is required'],
    ['as_of', '2025-06-31', 'as_of must be a real calendar date: 2025-06-31 does not exist'],
    ['as_of', '2025/06/30', 'as_of must be a calendar date in YYYY-MM-DD format'],
  ])('%s = %j → %p', (path, value, message) => {
    expect(errorsOf(withField(path, value))).toEqual([message]);
  });

  it('counts event names in characters: 128 emoji pass, 129 do not, whatever their units', () => {
    const emoji = (count: number) => '\u{1F4A1}'.repeat(count);
    expect(
      errorsOf(withField('peer_snapshot.batch_event_attendance', { [emoji(128)]: 1 })),
    ).toEqual([]);
    expect(
      errorsOf(withField('peer_snapshot.batch_event_attendance', { [emoji(129)]: 1 })),
    ).toEqual([
      'peer_snapshot.batch_event_attendance must have event names of 1 to 128 characters',
    ]);
    expect(
      errorsOf(withField('peer_snapshot.batch_event_attendance', { ['x'.repeat(129)]: 1 })),
    ).toEqual([
      'peer_snapshot.batch_event_attendance must have event names of 1 to 128 characters',
    ]);
    expect(errorsOf(withField('peer_snapshot.batch_event_attendance', { '\uFE0F': 1 }))).toEqual(
      [],
    );
  });

  it('refuses more than 200 events', () => {
    const attendance = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`e${i}`, 1]));
    expect(errorsOf(withField('peer_snapshot.batch_event_attendance', attendance))).toEqual([
      'peer_snapshot.batch_event_attendance must have at most 200 events',
    ]);
  });

  describe('event_names', () => {
    const NAMES = 'peer_snapshot.event_names';
    const SHAPE =
      'must be a display name of 1 to 128 characters, or an object of locale tags to such names';

    it.each([
      [{ hackathon: 'HackNight' }],
      [{ hackathon: { en: 'HackNight', hi: 'हैकनाइट', 'es-419': 'Hackatón' } }],
    ])('accepts one name for every language or a name per locale: %j', (names) => {
      expect(errorsOf(withField(NAMES, names))).toEqual([]);
    });

    it.each([
      [{ hackathon: '' }, `${NAMES}["hackathon"] ${SHAPE}`],
      [{ hackathon: ['HackNight'] }, `${NAMES}["hackathon"] ${SHAPE}`],
      [{ hackathon: { en: 3 } }, `${NAMES}["hackathon"] ${SHAPE}`],
      [{ hackathon: {} }, `${NAMES}["hackathon"] must name the event in 1 to 16 locales`],
      [
        { hackathon: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`x-a${i}`, 'n'])) },
        `${NAMES}["hackathon"] must name the event in 1 to 16 locales`,
      ],
      [
        { hackathon: { 'not a tag': 'HackNight' } },
        `${NAMES}["hackathon"] has "not a tag", which is not a BCP 47 language tag`,
      ],
    ])('refuses %j, naming the event', (names, message) => {
      expect(errorsOf(withField(NAMES, names))).toEqual([message]);
    });
  });

  it('names every offending field at once', () => {
    const body = withField('user_data.profile.karma', -3);
    (body.peer_snapshot as Record<string, unknown>).batch_resume_uploaded_pct = 101;
    (body.user_data as { activity: Record<string, unknown> }).activity.last_quiz_taken =
      '2030-01-01';
    expect(errorsOf(body)).toEqual([
      'user_data.profile.karma must be a non-negative integer',
      'peer_snapshot.batch_resume_uploaded_pct must be a number from 0 to 100',
      'user_data.activity.last_quiz_taken must not be after as_of (2025-06-30)',
    ]);
  });

  it('checks dates against the default day when as_of is absent', () => {
    const body = withField('as_of', DELETE);
    (body.user_data as { activity: Record<string, unknown> }).activity.last_event_attended =
      '2025-07-16';
    expect(errorsOf(body)).toEqual([
      'user_data.activity.last_event_attended must not be after as_of (2025-07-15)',
    ]);
  });

  it.each([[null], [[]], ['text'], [42]])('refuses a body that is not an object: %j', (body) => {
    expect(errorsOf(body)).toEqual(['body must be a JSON object']);
  });

  describe('history', () => {
    const day = (date: string) => parseCalendarDate(date)!;
    const SENT_AT =
      'must be a calendar date in YYYY-MM-DD format or an RFC 3339 date-time such as 2025-06-28T09:30:00Z';
    const HISTORY = 'history must be an array of at most 200 objects';

    it('reads dates and date-times into deliveries as UTC days, in request order', () => {
      const result = validateAnalyzeRequest(
        withField('history', [
          { type: 'quiz', sent_at: '2025-06-01' },
          { type: 'resume', sent_at: '2025-06-28T09:30:00Z', outcome: 'dismissed' },
          { type: 'project', sent_at: '2025-06-28T09:30:00.123+05:30', outcome: 'acted' },
          // 01:00 at +05:30 is 19:30 UTC the day before.
          { type: 'event_fomo', sent_at: '2025-06-29T01:00:00+05:30', outcome: 'ignored' },
          // 22:30 at -02:00 is 00:30 UTC the next day: as_of itself.
          { type: 'comeback', sent_at: '2025-06-29T22:30:00-02:00', decision_id: 'd-1' },
          { type: 'quiz', sent_at: '2025-06-30t23:59:59.999999z', color: 'teal' },
          { type: 'resume', sent_at: '2025-06-30T00:00:00-00:00', outcome: null },
        ]),
        TODAY,
      );
      expect(result.ok && result.value.deliveries).toEqual([
        { type: 'quiz', day: day('2025-06-01'), outcome: null },
        { type: 'resume', day: day('2025-06-28'), outcome: 'dismissed' },
        { type: 'project', day: day('2025-06-28'), outcome: 'acted' },
        { type: 'event_fomo', day: day('2025-06-28'), outcome: 'ignored' },
        { type: 'comeback', day: day('2025-06-30'), outcome: null },
        { type: 'quiz', day: day('2025-06-30'), outcome: null },
        { type: 'resume', day: day('2025-06-30'), outcome: null },
      ]);
    });

    it.each([
      ['absent', DELETE],
      ['null', null],
      ['empty', []],
    ])('%s history has no deliveries', (_label, history) => {
      const result = validateAnalyzeRequest(withField('history', history), TODAY);
      expect(result.ok && result.value.deliveries).toEqual([]);
    });

    it('accepts 200 entries', () => {
      const history = new Array(200).fill({ type: 'quiz', sent_at: '2025-06-01' });
      const result = validateAnalyzeRequest(withField('history', history), TODAY);
      expect(result.ok && result.value.deliveries.length).toBe(200);
    });

    it.each([
      ['a string', 'quiz'],
      ['an object', { type: 'quiz', sent_at: '2025-06-01' }],
      ['201 entries', new Array(201).fill({ type: 'quiz', sent_at: '2025-06-01' })],
      ['a string entry', ['quiz']],
      ['a null entry', [null]],
      ['an array entry', [[{ type: 'quiz', sent_at: '2025-06-01' }]]],
    ])('history as %s → %p', (_label, history) => {
      expect(errorsOf(withField('history', history))).toEqual([HISTORY]);
    });

    it.each([
      [{ sent_at: '2025-06-01' }, 'history[0].type is required'],
      [
        { type: 'nudge', sent_at: '2025-06-01' },
        'history[0].type must be one of resume, project, quiz, event_fomo, comeback',
      ],
      [
        { type: 'Quiz', sent_at: '2025-06-01' },
        'history[0].type must be one of resume, project, quiz, event_fomo, comeback',
      ],
      [
        { type: 3, sent_at: '2025-06-01' },
        'history[0].type must be one of resume, project, quiz, event_fomo, comeback',
      ],
      [{ type: 'quiz' }, 'history[0].sent_at is required'],
      [{ type: 'quiz', sent_at: null }, 'history[0].sent_at is required'],
      [{ type: 'quiz', sent_at: 20250601 }, `history[0].sent_at ${SENT_AT}`],
      [
        { type: 'quiz', sent_at: '2025-06-01', outcome: 'clicked' },
        'history[0].outcome must be one of acted, dismissed, ignored',
      ],
      [
        { type: 'quiz', sent_at: '2025-06-01', outcome: true },
        'history[0].outcome must be one of acted, dismissed, ignored',
      ],
      [
        { type: 'quiz', sent_at: '2025-06-01', decision_id: '' },
        'history[0].decision_id must be a string of 1 to 64 characters',
      ],
      [
        { type: 'quiz', sent_at: '2025-06-01', decision_id: 'd'.repeat(65) },
        'history[0].decision_id must be a string of 1 to 64 characters',
      ],
      [
        { type: 'quiz', sent_at: '2025-06-01', decision_id: 42 },
        'history[0].decision_id must be a string of 1 to 64 characters',
      ],
      [
        { type: 'quiz', sent_at: '2025-07-01' },
        'history[0].sent_at must not be after as_of (2025-06-30)',
      ],
      [
        { type: 'quiz', sent_at: '2025-06-30T23:30:00-02:00' },
        'history[0].sent_at must not be after as_of (2025-06-30)',
      ],
    ])('history = [%j] → %p', (entry, message) => {
      expect(errorsOf(withField('history', [entry]))).toEqual([message]);
    });

    it.each(['2025-02-29', '2025-02-29T10:00:00Z'])(
      'history[0].sent_at = %j says the day does not exist',
      (sentAt) => {
        expect(errorsOf(withField('history', [{ type: 'quiz', sent_at: sentAt }]))).toEqual([
          'history[0].sent_at must be a real date: 2025-02-29 does not exist',
        ]);
      },
    );

    it.each([
      '2025-06-28T24:00:00Z',
      '2025-06-28T23:60:00Z',
      '2025-06-28T23:59:60Z',
      '2025-06-28T09:30:00',
      '2025-06-28T09:30Z',
      '2025-06-28T9:30:00Z',
      '2025-06-28 09:30:00Z',
      '2025-06-28T09:30:00.Z',
      '2025-06-28T09:30:00+0530',
      '2025-06-28T09:30:00+05',
      '2025-06-28T09:30:00+24:00',
      '2025-06-28T09:30:00+05:60',
      '2025-06-28T09:30:00UTC',
      '2025-06-28T09:30:00Z ',
      '2025-06-28T09:30:00,5Z',
      '2025-6-28T09:30:00Z',
      '+2025-06-28T09:30:00Z',
      '2025-06-28T',
      '',
    ])('history[0].sent_at = %j is refused', (sentAt) => {
      expect(errorsOf(withField('history', [{ type: 'quiz', sent_at: sentAt }]))).toEqual([
        `history[0].sent_at ${SENT_AT}`,
      ]);
    });

    it('accepts a 64-character entry decision_id counted in characters', () => {
      const entry = { type: 'quiz', sent_at: '2025-06-01', decision_id: '😀'.repeat(64) };
      expect(errorsOf(withField('history', [entry]))).toEqual([]);
    });

    it('names every offending entry field, then the days after as_of', () => {
      expect(
        errorsOf(
          withField('history', [
            { type: 'x', sent_at: 'yesterday' },
            { type: 'quiz', sent_at: '2025-06-01' },
            { type: 'quiz', sent_at: '2025-07-02T00:00:00+01:00', outcome: 'nope' },
            { type: 'resume', sent_at: '2025-07-01T00:30:00+01:00' },
          ]),
        ),
      ).toEqual([
        'history[0].type must be one of resume, project, quiz, event_fomo, comeback',
        `history[0].sent_at ${SENT_AT}`,
        'history[2].outcome must be one of acted, dismissed, ignored',
        'history[2].sent_at must not be after as_of (2025-06-30)',
      ]);
    });

    it('checks sent_at against the default day when as_of is absent', () => {
      const body = withField('as_of', DELETE);
      body.history = [
        // 00:30 at +01:00 is 23:30 UTC on the default day itself.
        { type: 'quiz', sent_at: '2025-07-16T00:30:00+01:00' },
        { type: 'quiz', sent_at: '2025-07-15T23:30:00-02:00' },
      ];
      expect(errorsOf(body)).toEqual(['history[1].sent_at must not be after as_of (2025-07-15)']);
    });
  });

  describe('decision_id', () => {
    const PROBLEM =
      'decision_id must be a string of 1 to 64 printable ASCII characters, without spaces';

    it.each(['dec_0630_stu_7023', '!~', 'd'.repeat(64), '018f4c1e-7b2a-7c3d-9e4f-5a6b7c8d9e0f'])(
      'accepts %p and keeps it',
      (id) => {
        const result = validateAnalyzeRequest(withField('decision_id', id), TODAY);
        expect(result.ok && result.value.request.decision_id).toBe(id);
      },
    );

    it.each([
      ['too long', 'd'.repeat(65)],
      ['empty', ''],
      ['with a space', 'dec 0630'],
      ['with a tab', 'dec\t0630'],
      ['with a newline', 'dec0630\n'],
      ['non-ASCII', 'décision'],
      ['a number', 630],
      ['an array', ['dec_0630']],
    ])('refuses one %s', (_label, id) => {
      expect(errorsOf(withField('decision_id', id))).toEqual([PROBLEM]);
    });
  });

  describe('identifiers', () => {
    const PLAIN_ID =
      'must not contain control characters, format characters (such as U+200B or U+202E), line separators or unpaired surrogates';
    const REFUSED: [label: string, id: string][] = [
      ['NUL', 'stu\u00007023'],
      ['a newline', 'stu_7023\n'],
      ['a tab', 'stu\t7023'],
      ['DEL', 'stu\u007f7023'],
      ['a C1 control (NEL)', 'stu\u00857023'],
      ['a right-to-left override', '\u202estu_7023'],
      ['a zero-width space', 'stu\u200b_7023'],
      ['a byte-order mark', '\ufeffstu_7023'],
      ['a soft hyphen', 'stu\u00ad7023'],
      ['a line separator', 'stu\u20287023'],
      ['a lone high surrogate', 'stu_\ud800'],
      ['a lone low surrogate', '\udc00stu_7023'],
      ['a reversed surrogate pair', 'stu_\ude00\ud83d'],
    ];
    const ACCEPTED = [
      'stu_7023',
      'étudiant_٧٠٢٣_学生',
      'user@example.com',
      'with space',
      '🎓',
      '𐌰𐌱𐌲',
      'u'.repeat(128),
    ];

    it.each(REFUSED)('refuses a user_id with %s, naming the field', (_label, id) => {
      expect(errorsOf(withField('user_data.user_id', id))).toEqual([
        `user_data.user_id ${PLAIN_ID}`,
      ]);
    });

    it.each(REFUSED)('refuses a delivered decision_id with %s, naming the entry', (_label, id) => {
      const body = withField('history', [
        { type: 'quiz', sent_at: '2025-06-28', decision_id: 'dec_1' },
        { type: 'quiz', sent_at: '2025-06-29', decision_id: id },
      ]);
      expect(errorsOf(body)).toEqual([`history[1].decision_id ${PLAIN_ID}`]);
    });

    it.each(ACCEPTED)('accepts the user_id %p and keeps it', (id) => {
      const result = validateAnalyzeRequest(withField('user_data.user_id', id), TODAY);
      expect(result.ok && result.value.request.user_data.user_id).toBe(id);
    });

    it.each(ACCEPTED.filter((id) => id.length <= 64))(
      'accepts the delivered decision_id %p',
      (id) => {
        const body = withField('history', [
          { type: 'quiz', sent_at: '2025-06-28', decision_id: id },
        ]);
        expect(errorsOf(body)).toEqual([]);
      },
    );

    it('reports a user_id too long before its characters', () => {
      expect(errorsOf(withField('user_data.user_id', '\u202e'.repeat(129)))).toEqual([
        'user_data.user_id must be a string of 1 to 128 characters',
      ]);
    });
  });

  it('allows null and absent event and quiz dates', () => {
    const body = withField('user_data.activity.last_event_attended', null);
    delete (body.user_data as { activity: Record<string, unknown> }).activity.last_quiz_taken;
    expect(errorsOf(body)).toEqual([]);
  });
});
