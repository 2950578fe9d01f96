import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IDE_ASSET_PATH, LoadedAsset, loadIdeAsset } from './ide-assets.js';

/** Serves the IDE's scripts and stylesheets (registered only where introspection, and so the IDE, is on). */
@Controller(IDE_ASSET_PATH.slice(1))
export class GraphqlIdeController {
  private readonly loaded = new Map<string, LoadedAsset>();

  @Get(':asset')
  asset(@Param('asset') name: string, @Req() req: Request, @Res() res: Response): void {
    const asset = this.loaded.get(name) ?? loadIdeAsset(name);
    if (!asset) throw new NotFoundException({ code: 'NOT_FOUND', message: `no IDE file named ${JSON.stringify(name.slice(0, 80))}` });
    this.loaded.set(name, asset);
    res.setHeader('cache-control', 'public, max-age=86400');
    res.setHeader('vary', 'accept-encoding');
    res.type(asset.type);
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.setHeader('content-encoding', 'gzip');
      res.send(asset.gzipped);
    } else res.send(asset.body);
  }
}
