import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuthService } from './auth.service.js';
import { Caller } from './caller.js';

type RequestWithCaller = { headers: Record<string, string | undefined>; caller?: Caller };

function requestOf(context: ExecutionContext): RequestWithCaller {
  return context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context).getContext().req : context.switchToHttp().getRequest();
}

/** Runs for every resolver: proves who is asking once per request and keeps it on the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = requestOf(context);
    req.caller ??= await this.auth.authenticate(req.headers.authorization);
    return true;
  }
}

/** The Caller AuthGuard proved; services decide what that caller may do. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => requestOf(context).caller!);
