import {
  getMetadataStorage,
  IS_OPTIONAL,
  ValidationArguments,
  ValidationTypes,
  ValidatorConstraintInterface,
} from 'class-validator';
import isLength from 'validator/lib/isLength';
import { nestedItemType } from '../validators/custom-validators';
import { FieldError, fieldError, joinPath } from '../problem/field-error';
import { isPlainRecord } from '../validators/instantiate';

type DtoClass = new () => object;
type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

interface Check {
  readonly validator: ValidatorConstraintInterface;
  readonly metadata: ValidationMetadata;
  /** Reused for every call (validators are synchronous): allocating one per check costs more. */
  readonly args: ValidationArguments;
}

/** The first failing constraint's message for a property's value, or undefined. */
type PropertyCheck = (value: unknown, object: object) => string | undefined;

interface PropertyPlan {
  readonly name: string;
  /**
   * IsOptional (written out by compileBuilder) and the like: when one says no, nothing else runs
   * for the property.
   */
  readonly optional: boolean;
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  readonly check: PropertyCheck;
  readonly nested: DtoClass | undefined;
  /** For an array of DTOs (ValidateNestedEach), the class of its entries. */
  readonly items: DtoClass | undefined;
}

/**
 * class-validator's own built-in checks, as expressions over `v`, copied from its sources so the
 * compiled check can run them inline. Anything not listed (MaxLength, custom validators) calls
 * the constraint's own function. The equivalence test compares both on generated payloads.
 */
const INLINE: Readonly<Record<string, (constraints: unknown[], v: string) => string | undefined>> =
  {
    isDefined: (_, v) => `${v} !== undefined && ${v} !== null`,
    isBoolean: (_, v) => `(${v} instanceof Boolean || typeof ${v} === 'boolean')`,
    isInt: (_, v) => `(typeof ${v} === 'number' && Number.isInteger(${v}))`,
    isString: (_, v) => `(${v} instanceof String || typeof ${v} === 'string')`,
    isArray: (_, v) => `Array.isArray(${v})`,
    isObject: (_, v) =>
      `(${v} != null && (typeof ${v} === 'object' || typeof ${v} === 'function') && !Array.isArray(${v}))`,
    min: ([bound], v) =>
      typeof bound === 'number' ? `(typeof ${v} === 'number' && ${v} >= ${bound})` : undefined,
    max: ([bound], v) =>
      typeof bound === 'number' ? `(typeof ${v} === 'number' && ${v} <= ${bound})` : undefined,
    // A string no longer than the bound in UTF-16 units has no more characters either; only a
    // longer one needs validator.js's surrogate-aware count.
    maxLength: ([bound], v) =>
      typeof bound === 'number'
        ? `(typeof ${v} === 'string' && (${v}.length <= ${bound} || isLength(${v}, { min: 0, max: ${bound} })))`
        : undefined,
    arrayMaxSize: ([bound], v) =>
      typeof bound === 'number' ? `(Array.isArray(${v}) && ${v}.length <= ${bound})` : undefined,
    isNumber: ([options], v) => {
      const o = (options ?? {}) as {
        allowNaN?: boolean;
        allowInfinity?: boolean;
        maxDecimalPlaces?: number;
      };
      if (o.maxDecimalPlaces !== undefined) return undefined;
      return `(typeof ${v} === 'number' && (${v} === Infinity || ${v} === -Infinity ? ${Boolean(o.allowInfinity)} : Number.isNaN(${v}) ? ${Boolean(o.allowNaN)} : Number.isFinite(${v})))`;
    },
  };

function checksOf(cls: DtoClass, metadatas: readonly ValidationMetadata[]): Check[] {
  const storage = getMetadataStorage();
  return metadatas.flatMap((metadata) => {
    if (typeof metadata.message === 'string' && metadata.message.includes('$')) {
      throw new Error(
        `${metadata.propertyName}: message tokens are not supported on the fast path`,
      );
    }
    return storage.getTargetValidatorConstraints(metadata.constraintCls).map((constraint) => ({
      validator: constraint.instance,
      metadata,
      args: {
        targetName: cls.name,
        property: metadata.propertyName,
        object: {},
        value: undefined,
        constraints: metadata.constraints,
      },
    }));
  });
}

function messageOf({ validator, metadata, args }: Check, value: unknown, object: object): string {
  if (typeof metadata.message === 'string') return metadata.message;
  args.object = object;
  args.value = value;
  if (typeof metadata.message === 'function') return metadata.message(args);
  return validator.defaultMessage?.(args) ?? '';
}

/**
 * One function per property running its checks in order and returning the first failure's
 * message (stopAtFirstError). Built-in checks become inline expressions; the rest are calls.
 * The source holds only numbers and fixed snippets: every value comes from the DTO decorators.
 */
function compileCheck(checks: readonly Check[]): PropertyCheck {
  const lines = checks.map((check, k) => {
    const name = check.metadata.name ?? '';
    const inline = (v: string) => {
      const expression = INLINE[name]?.(check.metadata.constraints ?? [], v);
      return expression === undefined ? undefined : `(${expression})`;
    };
    const passes = (v: string) =>
      inline(v) ??
      `(checks[${k}].args.object = o, checks[${k}].args.value = ${v}, checks[${k}].validator.validate(${v}, checks[${k}].args) === true)`;
    const fail = `return fail(${k}, x, o);`;
    if (!check.metadata.each) return `if (!${passes('x')}) ${fail}`;
    return `if (Array.isArray(x)) { for (let i = 0; i < x.length; i++) { const y = x[i]; if (!${passes('y')}) ${fail} } } else if (!${passes('x')}) ${fail}`;
  });
  const fail = (k: number, value: unknown, object: object) => messageOf(checks[k], value, object);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the doc comment above
  const factory = new Function(
    'checks',
    'fail',
    'isLength',
    `return function (x, o) {\n${lines.join('\n')}\nreturn undefined;\n};`,
  ) as (
    checks: readonly Check[],
    fail: (k: number, value: unknown, object: object) => string,
    lengthOf: typeof isLength,
  ) => PropertyCheck;
  return factory(checks, fail, isLength);
}

const plans = new Map<DtoClass, readonly PropertyPlan[]>();

/**
 * Reads a DTO's class-validator metadata once and orders it the way class-validator executes it:
 * properties in declaration order; per property the conditions, then IsDefined, then the other
 * constraints in registration order; nested DTOs last.
 */
function planOf(cls: DtoClass): readonly PropertyPlan[] {
  const cached = plans.get(cls);
  if (cached !== undefined) return cached;
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const names = [...new Set(metadatas.map((m) => m.propertyName))];
  const plan = names.map((name): PropertyPlan => {
    const own = metadatas.filter((m) => m.propertyName === name);
    const hasNested = own.some((m) => m.type === ValidationTypes.NESTED_VALIDATION);
    const type: unknown = Reflect.getMetadata('design:type', cls.prototype as object, name);
    const items = hasNested ? nestedItemType(cls, name) : undefined;
    if (hasNested && type === Array && items === undefined) {
      throw new Error(`${name}: an array of DTOs needs ValidateNestedEach to name its entry class`);
    }
    const conditional = own.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION);
    return {
      name,
      optional: conditional.some((m) => m.name === IS_OPTIONAL),
      conditions: conditional
        .filter((m) => m.name !== IS_OPTIONAL)
        .map((m) => m.constraints[0] as (object: object, value: unknown) => boolean),
      check: compileCheck([
        ...checksOf(
          cls,
          own.filter((m) => m.type === ValidationTypes.IS_DEFINED),
        ),
        ...checksOf(
          cls,
          own.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION),
        ),
      ]),
      nested:
        hasNested && items === undefined && typeof type === 'function'
          ? (type as DtoClass)
          : undefined,
      items,
    };
  });
  plans.set(cls, plan);
  return plan;
}

/** What a compiled builder does with a DTO's plain object: buildValidated's work for its class. */
type Builder = (plain: Record<string, unknown>, errors: FieldError[], path: string) => object;

const builders = new Map<DtoClass, Builder>();

function builderOf(cls: DtoClass): Builder {
  let builder = builders.get(cls);
  if (builder === undefined) {
    builder = compileBuilder(cls, planOf(cls));
    builders.set(cls, builder);
  }
  return builder;
}

/**
 * A nested class's builder for `nested[at]`: found on its first call, which puts it in its place
 * (the class may be the one being compiled, or nest it).
 */
function resolving(cls: DtoClass, nested: Builder[], at: number): Builder {
  return (plain, errors, path) => (nested[at] = builderOf(cls))(plain, errors, path);
}

/**
 * The source of joinPath(path, property) for a property known when compiling: the test of its
 * name is made once, not on every object built.
 */
function childPathSource(property: string): string {
  // What joinPath appends to a parent for the name: `.name`, or `[name]` for an index.
  const suffix = joinPath('.', property).slice(1);
  return `(path === '' ? ${JSON.stringify(property)} : path + ${JSON.stringify(suffix)})`;
}

/**
 * One function per DTO class that builds and validates its instance, with every property written
 * out: a property read or written by its name in the source is a fast, monomorphic access, where
 * a loop over the plan read and wrote each by a name held in a variable (a megamorphic access,
 * several times slower), and each property's check and nested builder has a call site of its
 * own. The source holds only the class's property names (as JSON string literals) and fixed
 * snippets; everything else is passed in.
 */
function compileBuilder(cls: DtoClass, plan: readonly PropertyPlan[]): Builder {
  const conditions: ((object: object, value: unknown) => boolean)[] = [];
  const nested: Builder[] = [];
  const body = plan.map((property, k) => {
    const name = JSON.stringify(property.name);
    const child = childPathSource(property.name);
    // IsOptional's condition reads the instance's property by a name held in a variable; written
    // out here, it reads it by name.
    const optional = property.optional
      ? [`instance[${name}] !== null && instance[${name}] !== undefined`]
      : [];
    const held = optional.concat(
      property.conditions.map((condition) => {
        conditions.push(condition);
        return `conditions[${conditions.length - 1}](instance, v)`;
      }),
    );
    let after = '';
    if (property.nested !== undefined) {
      const at = nested.push(resolving(property.nested, nested, nested.length)) - 1;
      after = `else if (v !== undefined) {
        const path${k} = ${child};
        if (isPlainRecord(v)) instance[${name}] = nested[${at}](v, errors, path${k});
        else errors.push(fieldError(path${k}, 'must be an object'));
      }`;
    } else if (property.items !== undefined) {
      const at = nested.push(resolving(property.items, nested, nested.length)) - 1;
      after = `else if (Array.isArray(v)) {
        instance[${name}] = buildEntries(nested[${at}], v, errors, ${child});
      }`;
    }
    return `v = hasOwn(plain, ${name}) ? plain[${name}] : undefined;
    if (v !== undefined) instance[${name}] = v;
    if (${held.length === 0 ? 'true' : held.join(' && ')}) {
      const problem = plan[${k}].check(v, instance);
      if (problem !== undefined) errors.push(fieldError(${child}, problem));
      ${after}
    }`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the doc comment above
  const factory = new Function(
    'Cls',
    'plan',
    'conditions',
    'nested',
    'helpers',
    `const { hasOwn, isPlainRecord, fieldError, buildEntries } = helpers;
    return function (plain, errors, path) {
      const instance = new Cls();
      let v;
      ${body.join('\n')}
      return instance;
    };`,
  ) as (
    cls: DtoClass,
    plan: readonly PropertyPlan[],
    conditions: readonly ((object: object, value: unknown) => boolean)[],
    nested: readonly Builder[],
    helpers: object,
  ) => Builder;
  return factory(cls, plan, conditions, nested, {
    hasOwn: (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key),
    isPlainRecord,
    fieldError,
    buildEntries,
  });
}

/**
 * Builds and validates a DTO in one pass, with the DTO's own class-validator decorators (the one
 * source of truth) compiled into a function per property and one per class (compileBuilder):
 * about an order of magnitude faster than class-validator's executor, which the batch endpoint
 * and the NDJSON scorer need. A test checks it reports exactly what `validateSync` with
 * `stopAtFirstError` reports, on generated payloads. Only properties the class declares are
 * copied, so unknown fields are dropped.
 */
export function buildValidated<T extends object>(
  cls: new () => T,
  plain: Record<string, unknown>,
  errors: FieldError[],
  path = '',
): T {
  return builderOf(cls)(plain, errors, path) as T;
}

/**
 * Each entry of an array of DTOs, built and validated under its index as class-validator's `each`
 * nested validation does. Give the property `@IsObject({ each: true })` so that a non-object entry
 * fails its own checks first: class-validator would descend into an entry that is an array.
 */
function buildEntries(
  build: Builder,
  entries: readonly unknown[],
  errors: FieldError[],
  path: string,
): unknown[] {
  return entries.map((entry, i) => {
    // joinPath(path, String(i)), without testing that an index is one.
    const entryPath = path === '' ? String(i) : `${path}[${i}]`;
    if (isPlainRecord(entry)) return build(entry, errors, entryPath);
    errors.push(fieldError(entryPath, 'must be an object'));
    return entry;
  });
}
