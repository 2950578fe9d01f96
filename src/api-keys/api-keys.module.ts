import { Module } from '@nestjs/common';
import { ApiKeysResolver, OrganizationApiKeysResolver } from './api-keys.resolver.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({ providers: [ApiKeysService, ApiKeysResolver, OrganizationApiKeysResolver] })
export class ApiKeysModule {}
