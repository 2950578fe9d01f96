import { CORE_WORDS } from './words-core.js';
import { RECORDS_WORDS } from './words-records.js';
import { INBOUND_WORDS } from './words-inbound.js';
import { LEDGERADMIN_WORDS } from './words-ledgeradmin.js';
import { LABS_WORDS } from './words-labs.js';
import { UNITS_WORDS } from './words-units.js';

/** The words of each part of the console; a key belongs to one set only (a later set would silently replace it: console-browser.spec checks). */
export const WORD_SETS: readonly Readonly<Record<string, readonly [string, string]>>[] = [
  CORE_WORDS,
  RECORDS_WORDS,
  INBOUND_WORDS,
  LEDGERADMIN_WORDS,
  LABS_WORDS,
  UNITS_WORDS,
];
export const WORDS = { ...CORE_WORDS, ...RECORDS_WORDS, ...INBOUND_WORDS, ...LEDGERADMIN_WORDS, ...LABS_WORDS, ...UNITS_WORDS };
