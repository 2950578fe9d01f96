import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where scripts/build-assets.mjs writes the page's script, dist/assets/verify.js, seen from this file:
 * the service runs compiled from dist/src/scan, the tests run the sources in src/scan.
 */
const BUNDLE_CANDIDATES = ['../../assets/verify.js', '../../dist/assets/verify.js'].map((path) => fileURLToPath(new URL(path, import.meta.url)));

/** Serves the consumer page's script (src/scan/browser), built from TypeScript at build time. */
@Controller()
export class VerifyAssetController {
  private script: string | null = null;

  @Get('assets/verify.js')
  verifyScript(@Res() res: Response): void {
    res.setHeader('cache-control', 'public, max-age=3600');
    res.type('text/javascript').send(this.bundle());
  }

  /** Read once, on the first request: a service started without `npm run build` fails here, not at boot. */
  private bundle(): string {
    if (this.script === null) {
      const path = BUNDLE_CANDIDATES.find((p) => existsSync(p));
      if (!path) throw new Error(`the page's script is not built (${BUNDLE_CANDIDATES[0]}): run npm run build`);
      this.script = readFileSync(path, 'utf8');
    }
    return this.script;
  }
}
