import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { nestedItemType } from './custom-validators';

interface Shape {
  readonly properties: readonly string[];
  /** Properties validated as nested objects, with the class to build for each. */
  readonly nested: ReadonlyMap<string, DtoClass>;
  /** Arrays of nested DTOs, with the class to build for each entry. */
  readonly items: ReadonlyMap<string, DtoClass>;
}

type DtoClass = new () => object;

const shapes = new Map<DtoClass, Shape>();

function shapeOf(cls: DtoClass): Shape {
  let shape = shapes.get(cls);
  if (shape !== undefined) return shape;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const properties = [...new Set(metadata.map((m) => m.propertyName))];
  const nested = new Map<string, DtoClass>();
  const items = new Map<string, DtoClass>();
  for (const m of metadata) {
    if (m.type !== ValidationTypes.NESTED_VALIDATION) continue;
    const item = nestedItemType(cls, m.propertyName);
    if (item !== undefined) {
      items.set(m.propertyName, item);
      continue;
    }
    const type: unknown = Reflect.getMetadata(
      'design:type',
      cls.prototype as object,
      m.propertyName,
    );
    if (typeof type === 'function' && type !== Object) nested.set(m.propertyName, type as DtoClass);
  }
  shape = { properties, nested, items };
  shapes.set(cls, shape);
  return shape;
}

/** A JSON object: not null, not an array. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Builds a DTO instance from parsed JSON for class-validator, copying only the properties the
 * class declares (unknown fields are dropped, however deep or odd) and recursing into nested
 * DTOs, arrays of them included. Unlike class-transformer it reads nothing but own properties, so
 * keys such as `constructor` stay plain data; values it does not recognise are left for the
 * validators.
 */
export function instantiate<T extends object>(cls: new () => T, plain: Record<string, unknown>): T {
  const instance = new cls();
  const { properties, nested, items } = shapeOf(cls);
  const target = instance as Record<string, unknown>;
  for (const key of properties) {
    if (!Object.prototype.hasOwnProperty.call(plain, key)) continue;
    const value = plain[key];
    const child = nested.get(key);
    const item = items.get(key);
    if (item !== undefined && Array.isArray(value)) {
      target[key] = value.map((entry: unknown) =>
        isPlainRecord(entry) ? instantiate(item, entry) : entry,
      );
    } else {
      target[key] = child !== undefined && isPlainRecord(value) ? instantiate(child, value) : value;
    }
  }
  return instance;
}
