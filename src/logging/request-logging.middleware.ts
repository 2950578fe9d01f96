import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext, runInRequestContext } from './request-context.js';
import { requestIdFrom, requestLogFields } from './request-log.js';

const logger = new Logger('Http');

type RequestWithCaller = Request & { caller?: { kind: string; organizationId?: string } };

/**
 * Every HTTP request (GraphQL and plain routes, refused ones too): an id, echoed as `x-request-id`
 * and carried by every line logged while serving it, and one line when it ends.
 */
export function requestLogging(req: RequestWithCaller, res: Response, next: NextFunction): void {
  const context: RequestContext = { requestId: requestIdFrom(req.headers['x-request-id']) };
  const started = performance.now();
  res.setHeader('x-request-id', context.requestId);
  res.once('close', () =>
    logger.log(
      'request',
      requestLogFields({
        requestId: context.requestId,
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        completed: res.writableFinished,
        durationMs: performance.now() - started,
        operationName: context.operationName,
        caller: req.caller,
      }),
    ),
  );
  runInRequestContext(context, next);
}
