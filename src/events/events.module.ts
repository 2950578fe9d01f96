import { Module } from '@nestjs/common';
import { EventReferencesRepository } from './event-references.repository.js';
import { EventsResolver } from './events.resolver.js';
import { EventsService } from './events.service.js';

@Module({ providers: [EventsService, EventsResolver, EventReferencesRepository], exports: [EventsService] })
export class EventsModule {}
