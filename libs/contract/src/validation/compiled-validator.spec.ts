import fc from 'fast-check';
import { IsArray, IsDefined, IsString, ValidateNested, validateSync } from 'class-validator';
import {
  AnalyzeEngagementRequestDto,
  DeliveredNudgeDto,
} from '../dto/analyze-engagement-request.dto';
import { EXAMPLE_REQUEST } from '../dto/examples';
import { buildValidated } from './compiled-validator';
import { ValidateNestedEach } from '../validators/custom-validators';
import { FieldError, flattenValidationErrors } from '../problem/field-error';
import { instantiate } from '../validators/instantiate';

type DtoClass = new () => object;

/** What class-validator itself reports for the same document: the reference. */
function reference(
  body: Record<string, unknown>,
  cls: DtoClass = AnalyzeEngagementRequestDto,
): FieldError[] {
  const instance = instantiate(cls, body);
  return flattenValidationErrors(
    validateSync(instance, { stopAtFirstError: true, forbidUnknownValues: true }),
  );
}

function compiled(
  body: Record<string, unknown>,
  cls: DtoClass = AnalyzeEngagementRequestDto,
): FieldError[] {
  const errors: FieldError[] = [];
  buildValidated(cls, body, errors);
  return errors;
}

class Item {
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  name!: string;
}

/** An array of DTOs whose entries are not checked as objects by the property itself. */
class Holder {
  @IsDefined({ message: 'is required' })
  @ValidateNestedEach(() => Item, { message: 'must be an object' })
  @IsArray({ message: 'must be an array' })
  items!: Item[];
}

class Untyped {
  @ValidateNested()
  @IsArray()
  items!: Item[];
}

const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 2_000_000_000 }),
  fc.double(),
  fc.string({ maxLength: 70 }),
  fc.constantFrom('2025-02-30', '2025-06-01', '190', '', 'x'.repeat(129)),
  fc.constantFrom('quiz', 'acted', '2025-06-28T09:30:00+05:30', '2025-06-28T24:00:00Z', 'a b'),
  // Identifiers: control and format characters, separators, lone surrogates and their neighbours.
  fc.constantFrom('stu\u00007023', '\u202eevil', 'stu_\ud800', '\udc00', 'a\u2028b', '🎓', 'é'),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc
    .constantFrom({ type: 'quiz', sent_at: '2025-06-01' }, [{ type: 'resume' }], [[]], [null])
    .map((value) => structuredClone(value)),
  fc.array(fc.oneof(fc.string({ maxLength: 70 }), fc.integer()), { maxLength: 60 }),
  fc.dictionary(
    fc.string({ maxLength: 5 }),
    fc.oneof(fc.integer({ min: -2, max: 20 }), fc.string()),
  ),
);

/** The example request with a delivery history and a decision id, so fuzzing reaches them. */
const BASE = {
  ...EXAMPLE_REQUEST,
  decision_id: 'dec_0630_stu_7023',
  history: [
    { type: 'quiz', sent_at: '2025-06-01' },
    { type: 'resume', sent_at: '2025-06-28T09:30:00Z', outcome: 'dismissed', decision_id: 'd1' },
  ],
};

const PATHS = [
  ['user_data'],
  ['user_data', 'user_id'],
  ['user_data', 'profile'],
  ['user_data', 'activity'],
  ['peer_snapshot'],
  ['as_of'],
  ...Object.keys(EXAMPLE_REQUEST.user_data.profile).map((k) => ['user_data', 'profile', k]),
  ...Object.keys(EXAMPLE_REQUEST.user_data.activity).map((k) => ['user_data', 'activity', k]),
  ...Object.keys(EXAMPLE_REQUEST.peer_snapshot).map((k) => ['peer_snapshot', k]),
  ['decision_id'],
  ['history'],
  ...['0', '1'].flatMap((i) => [
    ['history', i],
    ...['type', 'sent_at', 'outcome', 'decision_id'].map((k) => ['history', i, k]),
  ]),
];

/** The example request with a few fields replaced by odd values (undefined removes the field). */
const mutated = fc
  .array(fc.tuple(fc.constantFrom(...PATHS), odd), { minLength: 0, maxLength: 6 })
  .map((edits) => {
    const body = JSON.parse(JSON.stringify(BASE)) as Record<string, unknown>;
    for (const [path, value] of edits) {
      let node: unknown = body;
      for (const key of path.slice(0, -1)) node = (node as Record<string, unknown>)?.[key];
      if (typeof node !== 'object' || node === null) continue;
      const last = path[path.length - 1];
      // JSON arrays have no holes: an entry is replaced, never removed.
      if (Array.isArray(node)) {
        if (!/^\d+$/.test(last) || Number(last) > node.length || value === undefined) continue;
      }
      if (value === undefined) delete (node as Record<string, unknown>)[last];
      else (node as Record<string, unknown>)[last] = value;
    }
    return body;
  });

describe(buildValidated.name, () => {
  it('reports exactly what class-validator reports, on thousands of mutated requests', () => {
    fc.assert(
      fc.property(mutated, (body) => {
        expect(compiled(body)).toEqual(reference(body));
      }),
      { numRuns: 3000, seed: 20251125 },
    );
  });

  it('builds DTO instances holding only the declared fields', () => {
    const errors: FieldError[] = [];
    const sut = buildValidated(
      AnalyzeEngagementRequestDto,
      { ...JSON.parse(JSON.stringify(EXAMPLE_REQUEST)), extra: { deep: [1, 2] } },
      errors,
    );
    expect(errors).toEqual([]);
    expect(sut).toBeInstanceOf(AnalyzeEngagementRequestDto);
    expect(sut.user_data.profile.constructor.name).toBe('ProfileDto');
    expect('extra' in sut).toBe(false);
    expect(JSON.parse(JSON.stringify(sut))).toEqual(EXAMPLE_REQUEST);
  });

  it('builds and validates each entry of an array of DTOs, naming problems by index', () => {
    const body = {
      ...JSON.parse(JSON.stringify(EXAMPLE_REQUEST)),
      history: [
        { type: 'quiz', sent_at: '2025-06-01', extra: { deep: [1] } },
        { type: 'nudge', sent_at: '2025-06-28T24:00:00Z', outcome: 'acted' },
        { sent_at: '2025-06-28T09:30:00.5-02:00', decision_id: '' },
      ],
    } as Record<string, unknown>;
    const errors: FieldError[] = [];
    const sut = buildValidated(AnalyzeEngagementRequestDto, body, errors);
    expect(errors).toEqual([
      {
        path: 'history[1].type',
        message: 'history[1].type must be one of resume, project, quiz, event_fomo, comeback',
      },
      {
        path: 'history[1].sent_at',
        message:
          'history[1].sent_at must be a calendar date in YYYY-MM-DD format or an RFC 3339 date-time such as 2025-06-28T09:30:00Z',
      },
      { path: 'history[2].type', message: 'history[2].type is required' },
      {
        path: 'history[2].decision_id',
        message: 'history[2].decision_id must be a string of 1 to 64 characters',
      },
    ]);
    expect(reference(body)).toEqual(errors);
    expect(sut.history?.map((entry) => entry.constructor)).toEqual([
      DeliveredNudgeDto,
      DeliveredNudgeDto,
      DeliveredNudgeDto,
    ]);
    expect(JSON.parse(JSON.stringify(sut.history))).toEqual([
      { type: 'quiz', sent_at: '2025-06-01' },
      { type: 'nudge', sent_at: '2025-06-28T24:00:00Z', outcome: 'acted' },
      { sent_at: '2025-06-28T09:30:00.5-02:00', decision_id: '' },
    ]);
    expect(instantiate(AnalyzeEngagementRequestDto, body).history?.[0]).toBeInstanceOf(
      DeliveredNudgeDto,
    );
  });

  it.each([
    ['a number', 3],
    ['null', null],
    ['a string', 'x'],
  ])('reports an entry that is %s under its index, as class-validator does', (_label, entry) => {
    const body = { items: [{ name: 'a' }, entry, { name: 7 }] };
    expect(compiled(body, Holder)).toEqual([
      { path: 'items[1]', message: 'items[1] must be an object' },
      { path: 'items[2].name', message: 'items[2].name must be a string' },
    ]);
    expect(reference(body, Holder)).toEqual(compiled(body, Holder));
  });

  it('refuses an array of DTOs whose entry class is not named', () => {
    expect(() => compiled({ items: [] }, Untyped)).toThrow(
      'items: an array of DTOs needs ValidateNestedEach to name its entry class',
    );
  });
});
