import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { CapturedEvent, CaptureService } from './capture.service.js';
import { requireEpcisJson } from './epcis-media-type.js';

@Controller('epcis')
export class CaptureController {
  constructor(private readonly captures: CaptureService) {}

  /**
   * GS1 EPCIS 2.0 capture, with the key of the organization recording: an EPCISDocument of
   * ObjectEvents and TransformationEvents on lots, recorded whole or not at all. A refused document
   * answers 400 with a reason per event (`errors[0].extensions.events`).
   */
  @Post('capture')
  @HttpCode(201)
  async capture(
    @CurrentCaller() caller: Caller,
    @Headers('content-type') contentType: string | undefined,
    @Body() document: unknown,
  ): Promise<{ captured: number; events: CapturedEvent[] }> {
    requireEpcisJson(contentType);
    const events = await this.captures.capture(caller, document);
    return { captured: events.length, events };
  }
}
