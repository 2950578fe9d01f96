import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_FONT_FILES } from '../../src/common/pdf-fonts.js';

/** The Docker image's font pruning (scripts/prune-report-fonts.mjs) on a copy of the installed package. */
describe('prune-report-fonts', () => {
  const fontFiles = (root: string) =>
    readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ttf|otf|woff2?)$/.test(f))
      .map((f) => join(root, f));

  function copyOfThePackage(): string {
    const root = mkdtempSync(join(tmpdir(), 'suyuan-fonts-'));
    cpSync('node_modules/@expo-google-fonts/noto-sans-sc', join(root, '@expo-google-fonts/noto-sans-sc'), { recursive: true });
    return root;
  }

  it('keeps exactly the two faces the reports embed and deletes the other weights', () => {
    const root = copyOfThePackage();
    try {
      expect(fontFiles(root).length).toBeGreaterThan(2);
      execFileSync(process.execPath, ['scripts/prune-report-fonts.mjs', root]);
      expect(fontFiles(root).sort()).toEqual(
        Object.values(REPORT_FONT_FILES)
          .map((f) => join(root, f))
          .sort(),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('removes nothing and fails the build when a face the reports embed is not there', () => {
    const root = copyOfThePackage();
    try {
      rmSync(join(root, REPORT_FONT_FILES.bold));
      const before = fontFiles(root).length;
      const run = spawnSync(process.execPath, ['scripts/prune-report-fonts.mjs', root], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('NotoSansSC_700Bold.ttf missing; nothing removed');
      expect(fontFiles(root)).toHaveLength(before);
      expect(existsSync(join(root, REPORT_FONT_FILES.regular))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
