import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONSOLE_PAGE_POLICY, CONSOLE_PERMISSIONS_POLICY, ContentSecurityPolicy } from '../common/security-headers.js';
import { CONSOLE_ASSETS, type ConsoleAsset, consolePageHtml } from './console-page.js';

/**
 * Where scripts/build-assets.mjs writes the console's files (dist/assets/console.js and .css), seen from this
 * file: the service runs compiled from dist/src/console, the tests run the sources in src/console.
 */
const ASSET_FOLDERS = ['../../assets', '../../dist/assets'].map((path) => fileURLToPath(new URL(path, import.meta.url)));

/**
 * The console at /console: one page whose script talks to /graphql with the API key the user typed
 * (kept in the tab's sessionStorage, sent as the Authorization header; no cookies), and its two files.
 */
@Controller('console')
export class ConsoleController {
  private readonly loaded = new Map<ConsoleAsset, string>();
  private readonly page = consolePageHtml();

  @Get()
  @ContentSecurityPolicy(CONSOLE_PAGE_POLICY)
  @Header('cache-control', 'no-cache')
  @Header('permissions-policy', CONSOLE_PERMISSIONS_POLICY)
  shell(@Res() res: Response): void {
    res.type('text/html').send(this.page);
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Res() res: Response): void {
    if (!Object.hasOwn(CONSOLE_ASSETS, name)) {
      throw new NotFoundException({ code: 'NOT_FOUND', message: `no console file named ${JSON.stringify(name.slice(0, 80))}: the console is /console` });
    }
    const asset = name as ConsoleAsset;
    res.setHeader('cache-control', 'public, max-age=300');
    res.type(CONSOLE_ASSETS[asset]).send(this.read(asset));
  }

  /** Read once, on the first request: a service started without `npm run build` fails here, not at boot. */
  private read(asset: ConsoleAsset): string {
    let text = this.loaded.get(asset);
    if (text === undefined) {
      const path = ASSET_FOLDERS.map((folder) => `${folder}/${asset}`).find((p) => existsSync(p));
      if (!path) throw new Error(`the console's ${asset} is not built (${ASSET_FOLDERS[0]}): run npm run build`);
      text = readFileSync(path, 'utf8');
      this.loaded.set(asset, text);
    }
    return text;
  }
}
