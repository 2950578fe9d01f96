// Unit tests: pure functions beside their code, no database, so no global setup and no build needed first.
import base from './jest.config.js';

const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = base;
export default { ...rest, roots: ['<rootDir>/src'], testRegex: '\\.spec\\.ts$' };
