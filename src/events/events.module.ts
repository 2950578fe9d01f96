import { Module } from '@nestjs/common';
import { EventsResolver } from './events.resolver.js';
import { EventsService } from './events.service.js';

@Module({ providers: [EventsService, EventsResolver], exports: [EventsService] })
export class EventsModule {}
