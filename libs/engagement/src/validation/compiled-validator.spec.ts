import fc from 'fast-check';
import { validateSync } from 'class-validator';
import { AnalyzeEngagementRequestDto } from '../dto/analyze-engagement-request.dto';
import { EXAMPLE_REQUEST } from '../dto/examples';
import { buildValidated } from './compiled-validator';
import { FieldError, flattenValidationErrors } from './field-error';
import { instantiate } from './instantiate';

/** What class-validator itself reports for the same document: the reference. */
function reference(body: Record<string, unknown>): FieldError[] {
  const instance = instantiate(AnalyzeEngagementRequestDto, body);
  return flattenValidationErrors(
    validateSync(instance, { stopAtFirstError: true, forbidUnknownValues: true }),
  );
}

function compiled(body: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  buildValidated(AnalyzeEngagementRequestDto, body, errors);
  return errors;
}

const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 2_000_000_000 }),
  fc.double(),
  fc.string({ maxLength: 70 }),
  fc.constantFrom('2025-02-30', '2025-06-01', '190', '', 'x'.repeat(129)),
  fc.array(fc.oneof(fc.string({ maxLength: 70 }), fc.integer()), { maxLength: 60 }),
  fc.dictionary(
    fc.string({ maxLength: 5 }),
    fc.oneof(fc.integer({ min: -2, max: 20 }), fc.string()),
  ),
);

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
];

/** The example request with a few fields replaced by odd values (undefined removes the field). */
const mutated = fc
  .array(fc.tuple(fc.constantFrom(...PATHS), odd), { minLength: 0, maxLength: 6 })
  .map((edits) => {
    const body = JSON.parse(JSON.stringify(EXAMPLE_REQUEST)) as Record<string, unknown>;
    for (const [path, value] of edits) {
      let node: unknown = body;
      for (const key of path.slice(0, -1)) node = (node as Record<string, unknown>)?.[key];
      if (typeof node !== 'object' || node === null || Array.isArray(node)) continue;
      const last = path[path.length - 1];
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
});
