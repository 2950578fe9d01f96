import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ENTRY_TYPES } from './entry-types.js';
import { MEMBER_VISIBILITY } from './entry-visibility.js';

describe('the public and private members of each entry type', () => {
  it('are the ones docs/ledger-format.md §4 lists, for every entry type', () => {
    const doc = readFileSync('docs/ledger-format.md', 'utf8');
    const section = doc.slice(doc.indexOf('## 4.'), doc.indexOf('## 5.'));
    const listed = Object.fromEntries(
      [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \| ([^|]*) \|$/gm)].map(([, type, pub, priv]) => {
        const names = (cell: string) => (cell.trim() === '—' ? [] : cell.split(',').map((n) => n.replace(/\(.*\)/, '').trim()));
        return [type, { public: names(pub).sort(), private: names(priv).sort() }];
      }),
    );
    const table = Object.fromEntries(
      ENTRY_TYPES.map((type) => {
        const members = Object.entries(MEMBER_VISIBILITY[type] as Record<string, string>);
        const of = (v: string) =>
          members
            .filter(([, visibility]) => visibility === v)
            .map(([name]) => name)
            .sort();
        return [type, { public: of('public'), private: of('private') }];
      }),
    );
    expect(listed).toEqual(table);
  });
});
