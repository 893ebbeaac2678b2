// A compiler plugin for `nest build` (nest-cli.json's `plugins`; Nest resolves a plugin's name
// from the project's node_modules, hence the `../scripts/` there): it keeps the libraries'
// exports objects in V8's fast mode.
//
// TypeScript's CommonJS output first declares every export of a module as undefined
// (`exports.a = exports.b = void 0;`), then defines each name a module re-exports
// (`export { a } from './x'`, as every library's index.ts does) as a getter. Redefining a data
// property as an accessor turns the exports object into a dictionary, and every call made
// through a library's index (`learner_1.parseCalendarDate(…)`) then misses V8's inline caches:
// a generic property load and a getter call each time, 3% of a scoring thread in `perf`. Left
// out of the first statement, the re-exported names are defined once, as getters, and the object
// stays fast; the other exports are declared as before.
'use strict';
const ts = require('typescript');

/** `exports.a = exports.b = void 0;`: the names it declares, or undefined for another statement. */
function declaredNames(statement) {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const names = [];
  let expression = statement.expression;
  while (
    ts.isBinaryExpression(expression) &&
    expression.operatorToken.kind === ts.SyntaxKind.EqualsToken
  ) {
    const target = expression.left;
    if (
      !ts.isPropertyAccessExpression(target) ||
      !ts.isIdentifier(target.expression) ||
      target.expression.text !== 'exports'
    ) {
      return undefined;
    }
    names.push(target.name.text);
    expression = expression.right;
  }
  return names.length > 0 && ts.isVoidExpression(expression) ? names : undefined;
}

/** `Object.defineProperty(exports, "a", { … get … })`: the name it defines a getter for. */
function getterName(statement) {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) {
    return undefined;
  }
  const { expression: callee, arguments: args } = statement.expression;
  const isDefineProperty =
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'Object' &&
    callee.name.text === 'defineProperty';
  if (!isDefineProperty || args.length !== 3) return undefined;
  const [target, name, descriptor] = args;
  const definesGetter =
    ts.isIdentifier(target) &&
    target.text === 'exports' &&
    ts.isStringLiteral(name) &&
    ts.isObjectLiteralExpression(descriptor) &&
    descriptor.properties.some((property) => property.name && property.name.text === 'get');
  return definesGetter ? name.text : undefined;
}

/** `exports.a = exports.b = void 0;` for `names`. */
function declaration(factory, names) {
  let expression = factory.createVoidZero();
  for (const name of [...names].reverse()) {
    expression = factory.createAssignment(
      factory.createPropertyAccessExpression(factory.createIdentifier('exports'), name),
      expression,
    );
  }
  return factory.createExpressionStatement(expression);
}

/** The transformer: a module's statements after TypeScript's own CommonJS transform. */
function fastExports(context) {
  return (sourceFile) => {
    const getters = new Set();
    for (const statement of sourceFile.statements) {
      const name = getterName(statement);
      if (name !== undefined) getters.add(name);
    }
    if (getters.size === 0) return sourceFile;
    const statements = [];
    for (const statement of sourceFile.statements) {
      const names = declaredNames(statement);
      if (names === undefined) {
        statements.push(statement);
        continue;
      }
      const kept = names.filter((name) => !getters.has(name));
      if (kept.length === names.length) statements.push(statement);
      else if (kept.length > 0) statements.push(declaration(context.factory, kept));
    }
    return context.factory.updateSourceFile(sourceFile, statements);
  };
}

module.exports = { after: () => fastExports, fastExports };
