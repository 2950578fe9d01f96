import { Module } from '@nestjs/common';
import { EventReferencesRepository } from './event-references.repository.js';
import { EventUnitsRepository } from './event-units.repository.js';
import { EventsResolver } from './events.resolver.js';
import { EventsService } from './events.service.js';

@Module({ providers: [EventsService, EventsResolver, EventReferencesRepository, EventUnitsRepository], exports: [EventsService] })
export class EventsModule {}
