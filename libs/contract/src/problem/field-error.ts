import { ValidationError } from 'class-validator';

/** One invalid field, named by its full path from the document root. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export function joinPath(parent: string, property: string): string {
  if (parent === '') return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}

/** A leading `["key"]` in a problem points inside a map, so it extends the path. */
const MAP_KEY = /^(\["(?:[^"\\]|\\.)*"\]) /;

export function fieldError(path: string, problem: string): FieldError {
  const key = MAP_KEY.exec(problem);
  if (key !== null) return fieldError(path + key[1], problem.slice(key[0].length));
  return { path, message: `${path} ${problem}` };
}

/**
 * class-validator reports nested objects as a tree; clients want one line per field. Messages in
 * this codebase describe the problem only ("must be ..."), so the path is prepended here.
 */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  parentPath = '',
  out: FieldError[] = [],
): FieldError[] {
  for (const error of errors) {
    const path = joinPath(parentPath, error.property);
    const problems = Object.values(error.constraints ?? {});
    if (problems.length > 0) out.push(fieldError(path, problems[0]));
    if (error.children !== undefined && error.children.length > 0) {
      flattenValidationErrors(error.children, path, out);
    }
  }
  return out;
}
