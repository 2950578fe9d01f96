import { Module } from '@nestjs/common';
import { ColdChainRepository } from './cold-chain.repository.js';
import { ColdChainResolver } from './cold-chain.resolver.js';
import { ColdChainService } from './cold-chain.service.js';

@Module({ providers: [ColdChainRepository, ColdChainService, ColdChainResolver], exports: [ColdChainService] })
export class ColdChainModule {}
