import { Module } from '@nestjs/common';
import { ScanController } from './scan.controller.js';
import { ScanRepository } from './scan.repository.js';
import { ScanResolver } from './scan.resolver.js';
import { ScanService } from './scan.service.js';
import { VerifyAssetController } from './verify-asset.controller.js';

@Module({ controllers: [ScanController, VerifyAssetController], providers: [ScanRepository, ScanService, ScanResolver] })
export class ScanModule {}
