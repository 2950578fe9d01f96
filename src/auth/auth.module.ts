import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { AuthRepository } from './auth.repository.js';
import { AuthService } from './auth.service.js';
import { CallerWrites } from './caller-writes.js';
import { KeyRevocations } from './key-revocations.js';

@Global()
@Module({
  providers: [AuthService, AuthRepository, KeyRevocations, CallerWrites, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, AuthRepository, KeyRevocations],
})
export class AuthModule {}
