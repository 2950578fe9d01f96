import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Caller } from './caller.js';

/** A rule that throws a DomainError when the caller may not use the route. */
export type CallerRule = (caller: Caller) => unknown;

const CALLER_RULE = Symbol('caller rule');

/**
 * Declares who may use an HTTP route (or every route of a controller), checked after AuthGuard has proved the caller and before any
 * parameter is parsed: a caller without the right learns that first, whatever else it sent.
 */
export const Authorize = (rule: CallerRule) => applyDecorators(SetMetadata(CALLER_RULE, rule), UseGuards(CallerRuleGuard));

@Injectable()
export class CallerRuleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<CallerRule | undefined>(CALLER_RULE, [context.getHandler(), context.getClass()]);
    rule?.(context.switchToHttp().getRequest<{ caller: Caller }>().caller);
    return true;
  }
}
