// Runs the @nestjs/swagger CLI plugin under ts-jest, so e2e tests see the same OpenAPI
// document as `nest build` produces (properties and constraints read from the DTO types).
const plugin = require('@nestjs/swagger/plugin');

module.exports = {
  name: 'nestjs-swagger-plugin',
  version: 1,
  factory: (compiler) =>
    plugin.before(
      { classValidatorShim: true, introspectComments: true, dtoFileNameSuffix: ['.dto.ts'] },
      compiler.program,
    ),
};
