// Jest runs on Node 24 with --experimental-vm-modules (see package.json) so CommonJS tests can
// load the ESM-only NestJS 12. Three projects: unit specs beside the code (no database),
// integration and e2e suites in test/ against a real PostgreSQL started by the global setup.
const swc = ['@swc/jest', { swcrc: true }];
const shared = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/(catalog|config|db|domain|events|queue|storage|testing)$': '<rootDir>/libs/$1/src',
    // The generated Prisma client imports its siblings as `./x.js` (nodenext style); they are .ts.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data'],
};
const withDatabase = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,sandboxes,scripts}/**/*.spec.ts'] },
    { ...shared, ...withDatabase, displayName: 'int', testMatch: ['<rootDir>/test/int/**/*.int-spec.ts'] },
    { ...shared, ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...shared, ...withDatabase, displayName: 'attack', testMatch: ['<rootDir>/test/attack/**/*.attack-spec.ts'] },
  ],
};
