import { Module } from '@nestjs/common';
import { PackageFieldsResolver, ViewerPackagesResolver } from './package-lists.resolver.js';
import { PackagesRepository } from './packages.repository.js';
import { PackagesResolver } from './packages.resolver.js';
import { PackagesService } from './packages.service.js';

/** Packages (issue 18, point 3): serialized units packed into cases and pallets named by SSCC, shipped and received whole. */
@Module({
  providers: [PackagesRepository, PackagesService, PackagesResolver, ViewerPackagesResolver, PackageFieldsResolver],
  exports: [PackagesRepository, PackagesService],
})
export class PackagesModule {}
