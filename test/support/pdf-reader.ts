import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * A PDF read back as a person's reader would, with poppler-utils: its text (pdftotext), its fonts
 * (pdffonts) and its pages drawn to pixels (pdftoppm). Tests use it to check what a reader sees,
 * not the bytes a renderer happened to write.
 */
export interface ReadPdf {
  text: string;
  /** pdftotext without -layout: reading order, each table cell's words together. */
  rawText: string;
  info: string;
  fonts: { name: string; type: string; embedded: boolean; subset: boolean; unicode: boolean }[];
  pages: number;
  /** Per page drawn at 40 dpi: the share of pixels that are not white (0 for a blank page). */
  inked: number[];
}

export function readPdf(pdf: Buffer): ReadPdf {
  const dir = mkdtempSync(join(tmpdir(), 'suyuan-pdf-'));
  try {
    const file = join(dir, 'file.pdf');
    writeFileSync(file, pdf);
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { maxBuffer: 64 * 1024 * 1024 }).toString();
    const fonts = run('pdffonts', [file])
      .split('\n')
      .slice(2)
      .filter((l) => l.trim())
      .map((line) => {
        // name, type (may hold spaces), encoding, emb, sub, uni, object, generation
        const cols = line.trim().split(/\s+/);
        const [emb, sub, uni] = cols.slice(-5, -2);
        return { name: cols[0], type: cols.slice(1, -6).join(' '), embedded: emb === 'yes', subset: sub === 'yes', unicode: uni === 'yes' };
      });
    run('pdftoppm', ['-r', '40', '-png', file, join(dir, 'page')]);
    const inked = readdirSync(dir)
      .filter((f) => f.startsWith('page') && f.endsWith('.png'))
      .sort()
      .map((f) => {
        const png = PNG.sync.read(readFileSync(join(dir, f)));
        let dark = 0;
        for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 200 || png.data[i + 1] < 200 || png.data[i + 2] < 200) dark++;
        return dark / (png.width * png.height);
      });
    const info = run('pdfinfo', [file]);
    return {
      text: run('pdftotext', ['-layout', file, '-']),
      rawText: run('pdftotext', [file, '-']),
      info,
      fonts,
      pages: Number(/Pages:\s+(\d+)/.exec(info)![1]),
      inked,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
