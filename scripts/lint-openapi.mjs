// Lints an OpenAPI document with Redocly's recommended ruleset and prints one line per problem.
// Usage: node scripts/lint-openapi.mjs [docs/openapi.json]. Exit code 1 if anything is found.
import { createConfig, lint } from '@redocly/openapi-core';

const ref = process.argv[2] ?? 'docs/openapi.json';
const config = await createConfig({ extends: ['recommended'] });
const problems = await lint({ ref, config });
for (const problem of problems) {
  const where = problem.location[0]?.pointer ?? '';
  console.log(`${problem.severity} ${problem.ruleId} ${where}: ${problem.message}`);
}
const count = (severity) => problems.filter((problem) => problem.severity === severity).length;
console.log(`${ref}: ${count('error')} errors, ${count('warn')} warnings`);
process.exitCode = problems.length === 0 ? 0 : 1;
