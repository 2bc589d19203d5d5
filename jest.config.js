// swc instead of ts-jest: NestJS 12 is ESM-only and ts-jest cannot load it (stack-notes.md).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];
const common = {
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  // Also the ESM-only packages under the Fastify plugins (@fastify/static: content-disposition;
  // @fastify/cookie: cookie; @fastify/multipart and @nestjs/platform-fastify: file-type and its readers).
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@fastify/cookie|content-disposition|cookie|file-type|strtok3|token-types|uint8array-extras|@tokenizer|peek-readable|@borewit)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/bench/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
