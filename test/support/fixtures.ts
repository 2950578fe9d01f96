import { readFileSync } from 'node:fs';

/** The text of a file under test/fixtures (see its README for where each came from). */
export function readFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
}

export function readFixtureJson<T = any>(path: string): T {
  return JSON.parse(readFixture(path)) as T;
}
