import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard.js';
import { Authorize } from '../auth/authorize.js';
import { requireOrganization, type Caller } from '../auth/caller.js';
import { requireAcceptsJson } from '../common/accept.js';
import { DomainError } from '../common/domain-error.js';
import { singleQueryParam } from '../common/query-param.js';
import { CaptureJob, captureErrorBehaviourOf, cursorOf, perPageOf } from './capture-job.js';
import { CaptureService } from './capture.service.js';
import { requireEpcisJson } from './epcis-media-type.js';

/** Where a capture job is read: the REST binding's `/capture/{captureID}` under /epcis. */
const jobLocation = (captureID: string) => `/epcis/capture/${captureID}`;

@Controller('epcis')
export class CaptureController {
  constructor(private readonly captures: CaptureService) {}

  /**
   * GS1 EPCIS 2.0 capture, with the key of the organization recording: an EPCISDocument of
   * ObjectEvents and TransformationEvents on lots. Capture runs inside the request and answers 202
   * with `Location` of its capture job; the body is the finished job, whose `captured` and `events`
   * are the answer capture gave before jobs. With `GS1-Capture-Error-Behaviour: rollback` (the
   * default) the document is recorded whole or not at all, and a refused one answers 400 with a
   * reason per event (`errors[0].extensions.events`) and the `Location` of its job; with `proceed`,
   * the events that can be captured are, and the job names the others.
   */
  @Post('capture')
  @HttpCode(202)
  async capture(
    @CurrentCaller() caller: Caller,
    @Headers('content-type') contentType: string | undefined,
    @Headers('gs1-capture-error-behaviour') behaviourHeader: string | undefined,
    @Body() document: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaptureJob> {
    requireEpcisJson(contentType);
    const behaviour = captureErrorBehaviourOf(behaviourHeader);
    try {
      const job = await this.captures.captureJob(caller, document, behaviour);
      res.setHeader('Location', jobLocation(job.captureID));
      return job;
    } catch (err) {
      // A refused capture has a job too: the refusal says where to read it again.
      if (err instanceof DomainError && typeof err.extensions.captureID === 'string') res.setHeader('Location', jobLocation(err.extensions.captureID));
      throw err;
    }
  }

  /** The caller's capture jobs, newest first, `perPage` at a time; `Link: <…>; rel="next"` when there are more. */
  @Get('capture')
  @Authorize(requireOrganization)
  async jobs(
    @CurrentCaller() caller: Caller,
    @Headers('accept') accept: string | undefined,
    @Query('perPage') perPageParam: unknown,
    @Query('nextPageToken') tokenParam: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CaptureJob[]> {
    requireAcceptsJson(accept);
    const perPage = perPageOf(singleQueryParam(perPageParam, 'perPage'));
    const token = singleQueryParam(tokenParam, 'nextPageToken');
    const page = await this.captures.jobPage(caller, perPage, token === undefined ? null : cursorOf(token));
    if (page.nextPageToken) res.setHeader('Link', `</epcis/capture?perPage=${perPage}&nextPageToken=${page.nextPageToken}>; rel="next"`);
    return page.jobs;
  }

  /** One of the caller's capture jobs; another organization's, like an unknown id, is 404. */
  @Get('capture/:captureID')
  @Authorize(requireOrganization)
  async job(@CurrentCaller() caller: Caller, @Headers('accept') accept: string | undefined, @Param('captureID') captureID: string): Promise<CaptureJob> {
    requireAcceptsJson(accept);
    return this.captures.job(caller, captureID);
  }
}
