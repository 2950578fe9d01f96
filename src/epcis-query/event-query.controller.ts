import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Authorize } from '../auth/authorize.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { requireAdminOr, type Caller } from '../auth/caller.js';
import { acceptsMediaType } from '../common/accept.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { epcisSelection } from '../exports/export-query.js';
import { ExportsService } from '../exports/exports.service.js';
import { httpStatus, toGraphqlError } from '../graphql/error-mapping.js';
import { eventQueryOf } from './event-query.js';
import { EventQueryService } from './event-query.service.js';

/** Anyone with a key reaches the query interface; what it answers depends on whose key (see EventQueryService). */
const requireKey = (caller: Caller) => {
  if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'the EPCIS query interface needs an API key (Authorization: Bearer <key>)');
};
const requireExporter = (caller: Caller) => requireAdminOr(caller, ['REGULATOR'], 'exports');

/** The standard's exception type for each refusal a query gets (EPCIS 2.0 REST binding, RFC 7807 problem details). */
const EXCEPTION_TYPES: Record<number, string> = {
  400: 'epcisException:QueryParameterException',
  403: 'epcisException:SecurityException',
  404: 'epcisException:NoSuchResourceException',
};

/**
 * GS1 EPCIS 2.0 REST query interface: GET /epcis/events with SimpleEventQuery parameters, one page of
 * events at a time (Link rel="next"), and GET /epcis/events/{eventID}. An organization reads the
 * events it recorded, a regulator and the admin every organization's. With batchId or productId,
 * GET /epcis/events stays the regulators' export it was before the query interface.
 */
@Controller('epcis')
@Authorize(requireKey)
export class EventQueryController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queries: EventQueryService,
    private readonly exports: ExportsService,
  ) {}

  @Get('events')
  async events(
    @CurrentCaller() caller: Caller,
    @Headers('accept') accept: string | undefined,
    @Query() params: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    if ('batchId' in params || 'productId' in params) {
      // The export, for the clients that used it before this path was the query interface.
      requireExporter(caller);
      const document = await this.exports.epcis(caller, epcisSelection(params));
      res.setHeader('cache-control', 'private, no-store');
      res.type('application/ld+json').send(JSON.stringify(document));
      return;
    }
    await answer(res, accept, async () => {
      const query = eventQueryOf(params, this.config.publicBaseUrl);
      const page = await this.queries.page(caller, query);
      if (page.nextPageToken !== null) {
        const next = new URLSearchParams([...filterParams(params), ['perPage', String(query.perPage)], ['nextPageToken', page.nextPageToken]]);
        res.setHeader('Link', `</epcis/events?${next.toString()}>; rel="next"`);
      }
      return {
        '@context': page.context,
        type: 'EPCISQueryDocument',
        schemaVersion: '2.0',
        creationDate: new Date().toISOString(),
        epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: page.events } } },
      };
    });
  }

  /** One event by its eventID (URL-encoded); another organization's, like an unknown one, is 404. */
  @Get('events/:eventID')
  async event(
    @CurrentCaller() caller: Caller,
    @Headers('accept') accept: string | undefined,
    @Param('eventID') eventID: string,
    @Res() res: Response,
  ): Promise<void> {
    await answer(res, accept, async () => {
      const { event, context } = await this.queries.event(caller, eventID);
      return { '@context': context, ...event };
    });
  }
}

/**
 * Sends the JSON-LD `body()` gives, or the refusal as the standard's problem details (type, title,
 * status) with this service's `errors` beside them, as every other route answers.
 */
async function answer(res: Response, accept: string | undefined, body: () => Promise<object>): Promise<void> {
  try {
    if (!acceptsMediaType(accept, 'application/ld+json') && !acceptsMediaType(accept, 'application/json'))
      throw new DomainError(
        'NOT_ACCEPTABLE',
        `EPCIS events are answered as application/ld+json or application/json, which the Accept header ${JSON.stringify(accept)} excludes`,
      );
    const document = await body();
    res.setHeader('cache-control', 'private, no-store');
    // JSON-LD unless the client accepts only plain JSON: the same bytes either way.
    res.type(acceptsMediaType(accept, 'application/ld+json') ? 'application/ld+json' : 'application/json').send(JSON.stringify(document));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const error = toGraphqlError(err);
    const status = httpStatus(error.extensions.code as string);
    res
      .status(status)
      .type('application/problem+json')
      .send(JSON.stringify({ type: EXCEPTION_TYPES[status] ?? 'about:blank', title: err.message, status, errors: [error.toJSON()] }));
  }
}

/** The query's own parameters, for the next page's link (a repeated one repeated again; perPage and nextPageToken are set anew). */
function filterParams(params: Record<string, unknown>): [string, string][] {
  return Object.entries(params).flatMap(([name, value]) =>
    name === 'nextPageToken' || name === 'perPage' ? [] : [value].flat().flatMap((v) => (typeof v === 'string' ? [[name, v] as [string, string]] : [])),
  );
}
