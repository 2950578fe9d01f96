import { Module } from '@nestjs/common';
import { ListsRepository } from './lists.repository.js';
import { ListsResolver, ViewerResolver } from './lists.resolver.js';
import { ListsService } from './lists.service.js';

/** Lists of what an organization owns and, for regulators, of everything: Relay connections with keyset cursors. */
@Module({ providers: [ListsRepository, ListsService, ListsResolver, ViewerResolver] })
export class ListsModule {}
