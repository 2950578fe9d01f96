import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const A4 = { width: 595, height: 842 } as const; // points

/**
 * The font the reports embed: Noto Sans SC (SIL Open Font License 1.1) from the
 * @expo-google-fonts/noto-sans-sc package, as whole TrueType files. A PDF carries only the glyphs it
 * uses (pdfkit subsets through fontkit), so it reads the same on any reader, with or without CJK
 * font data of its own (poppler-data, Adobe's Asian font packs). The package ships nine weights (92 MB);
 * the Docker image keeps these two (scripts/prune-report-fonts.mjs).
 */
export const REPORT_FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

export type ReportFont = keyof typeof REPORT_FONT_FILES;

const loaded = new Map<ReportFont, Buffer>();

/** The font's bytes, read once (about 10 MB each) and kept: every report subsets from the same copy. */
export function reportFont(face: ReportFont): Buffer {
  let bytes = loaded.get(face);
  if (!bytes) {
    bytes = readFileSync(createRequire(import.meta.url).resolve(REPORT_FONT_FILES[face]));
    loaded.set(face, bytes);
  }
  return bytes;
}

/** Both faces registered on a document, as 'regular' and 'bold'. */
export function registerReportFonts(doc: PDFKit.PDFDocument): void {
  doc.registerFont('regular', reportFont('regular'));
  doc.registerFont('bold', reportFont('bold'));
}

/** The document's bytes once it ends (call before doc.end()). */
export function pdfBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
