import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Database } from '../database/database.js';
import { CallerWrites } from './caller-writes.js';
import { currentRequestContext } from '../logging/request-context.js';
import { AuthService } from './auth.service.js';
import { Caller } from './caller.js';

type RequestWithCaller = {
  method?: string;
  headers: Record<string, string | undefined>;
  caller?: Caller;
  /** Set once this request's write has been noted for read-your-writes. */
  writeNoted?: boolean;
  res?: { once(event: 'close', listener: () => void): unknown };
};

function requestOf(context: ExecutionContext): RequestWithCaller {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext().req;
  const req = context.switchToHttp().getRequest<RequestWithCaller>();
  req.res ??= context.switchToHttp().getResponse();
  return req;
}

/** Runs for every resolver: proves who is asking once per request and keeps it on the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly database: Database,
    private readonly callerWrites: CallerWrites,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = requestOf(context);
    req.caller ??= await this.auth.authenticate(req.headers.authorization);
    this.noteReadsAndWrites(context, req, req.caller);
    return true;
  }

  /**
   * Read-your-writes with replicas: this request's reads must see what its caller (organization or
   * admin) wrote, and a write by it is under way from here until its answer is out (the connection's
   * close follows the last byte written, whether or not it committed).
   */
  private noteReadsAndWrites(context: ExecutionContext, req: RequestWithCaller, caller: Caller): void {
    if (this.database.replicas.replicaCount === 0 || caller.kind === 'anonymous') return;
    const key = caller.kind === 'admin' ? 'admin' : `organization:${caller.organizationId}`;
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.readerKey = key;
    if (req.writeNoted || !isWrite(context, req) || !req.res) return;
    req.writeNoted = true;
    this.callerWrites.begin(key);
    req.res.once('close', () => this.callerWrites.end(key));
  }
}

/** A GraphQL mutation, or a plain route that is not a GET. */
function isWrite(context: ExecutionContext, req: RequestWithCaller): boolean {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().operation.operation === 'mutation';
  return !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET');
}

/** The Caller AuthGuard proved; services decide what that caller may do. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => requestOf(context).caller!);
