import { Module } from '@nestjs/common';
import { DigitalLinkController } from './digital-link.controller.js';
import { DigitalLinkRepository } from './digital-link.repository.js';
import { DigitalLinkService } from './digital-link.service.js';

@Module({
  controllers: [DigitalLinkController],
  providers: [DigitalLinkRepository, DigitalLinkService],
})
export class DigitalLinkModule {}
