import { Controller, Get, Headers, HttpCode, Options, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ContentSecurityPolicy, STATIC_PAGE_POLICY } from '../common/security-headers.js';
import { messagePage } from '../scan/pages.js';
import { DigitalLinkService, type ResolverProblem } from './digital-link.service.js';
import { prefersJson } from './resolver-links.js';

/** Any site may read the resolver's answers (they are public) and follow its links from a script. */
function corsHeaders(res: Response): void {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'Link, Location');
}

/**
 * A GS1-Conformant resolver (GS1 Digital Link URI syntax 1.2, GS1-Conformant Resolver 1.0) for GTINs:
 * /01/<GTIN>[/22/<cpv>][/10/<lot>][/21/<serial>] to the service's pages, as a 307 or an RFC 9264 linkset;
 * its description at /.well-known/gs1resolver; a GTIN alone leads to the product's page.
 */
@Controller()
export class DigitalLinkController {
  constructor(private readonly resolver: DigitalLinkService) {}

  /** The whole path is parsed here, not by the router, so a malformed URI gets a 400 that says what is wrong rather than a 404. */
  @Get('01{/*path}')
  @ContentSecurityPolicy(STATIC_PAGE_POLICY)
  async resolve(@Req() req: Request, @Headers('accept') accept: string | undefined, @Res() res: Response): Promise<void> {
    const [rawPath, ...rest] = req.originalUrl.split('?');
    const answer = await this.resolver.resolve(rawPath, rest.join('?'), accept);
    corsHeaders(res);
    res.setHeader('vary', 'accept');
    res.setHeader('cache-control', 'no-cache');
    if (answer.link) res.setHeader('link', answer.link);
    if (answer.kind === 'redirect') res.redirect(307, answer.location);
    else if (answer.kind === 'linkset') res.type('application/linkset+json').send(JSON.stringify(answer.body));
    else sendProblem(res, answer.problem, accept);
  }

  /** The resolver description document (GS1-Conformant Resolver 1.0 §4). */
  @Get('.well-known/gs1resolver')
  wellKnown(@Res() res: Response): void {
    corsHeaders(res);
    res.setHeader('cache-control', 'public, max-age=3600');
    res.type('application/json').send(JSON.stringify(this.resolver.description()));
  }

  /** CORS preflight for the resolver and its description: GET and HEAD from any origin, with Accept. */
  @Options(['01{/*path}', '.well-known/gs1resolver'])
  @HttpCode(204)
  preflight(@Res() res: Response): void {
    corsHeaders(res);
    res.setHeader('allow', 'GET, HEAD, OPTIONS');
    res.setHeader('access-control-allow-methods', 'GET, HEAD, OPTIONS');
    res.setHeader('access-control-allow-headers', 'Accept, Accept-Language');
    res.setHeader('access-control-max-age', '86400');
    res.status(204).end();
  }

  /** A product's public page, where a GTIN-only Digital Link leads (see product-page.ts for why it lists no lots). */
  @Get('products/:gtin')
  @ContentSecurityPolicy(STATIC_PAGE_POLICY)
  async product(@Param('gtin') gtin: string, @Headers('accept') accept: string | undefined, @Res() res: Response): Promise<void> {
    const answer = await this.resolver.productPage(gtin);
    if (answer.problem) return sendProblem(res, answer.problem, accept);
    res.setHeader('cache-control', 'public, max-age=300');
    res.status(200).type('html').send(answer.html);
  }
}

/** A 400 or 404 as a page, or as JSON with a code when the client asks for JSON. */
function sendProblem(res: Response, problem: ResolverProblem, accept: string | undefined): void {
  res.status(problem.status);
  if (prefersJson(accept))
    res.json({ errors: [{ message: problem.en, extensions: { code: problem.status === 400 ? 'BAD_USER_INPUT' : 'NOT_FOUND', reason: problem.reason } }] });
  else res.type('html').send(messagePage(problem.title, problem.zh, problem.en));
}
