import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { RegisterProductInput } from './dto/register-product.input.js';
import { ProductModel } from './product.model.js';
import { ProductsService } from './products.service.js';

@Resolver(() => ProductModel)
export class ProductsResolver {
  constructor(private readonly products: ProductsService) {}

  @Mutation(() => ProductModel, { description: 'An organization registers a product it makes; CHILLED and FROZEN get a default temperature range.' })
  registerProduct(@CurrentCaller() caller: Caller, @Args('input') input: RegisterProductInput): Promise<ProductModel> {
    return this.products.register(caller, input);
  }
}
