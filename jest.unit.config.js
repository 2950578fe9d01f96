// Unit tests: pure functions beside their code, no database, so no global setup and no build needed first.
import base from './jest.config.js';

const unit = { ...base, roots: ['<rootDir>/src'], testRegex: '\\.spec\\.ts$' };
delete unit.globalSetup;
delete unit.globalTeardown;
export default unit;
