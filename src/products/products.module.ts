import { Global, Module } from '@nestjs/common';
import { ProductsRepository } from './products.repository.js';
import { ProductsResolver } from './products.resolver.js';
import { ProductsService } from './products.service.js';

@Global()
@Module({ providers: [ProductsRepository, ProductsService, ProductsResolver], exports: [ProductsRepository] })
export class ProductsModule {}
