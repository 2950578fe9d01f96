import { Module } from '@nestjs/common';
import { ScanController } from './scan.controller.js';
import { ScanRepository } from './scan.repository.js';
import { ScanResolver } from './scan.resolver.js';
import { ScanService } from './scan.service.js';

@Module({ controllers: [ScanController], providers: [ScanRepository, ScanService, ScanResolver] })
export class ScanModule {}
