import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../../src/auth/auth.guard.js';
import { requireOrganization, type Caller } from '../../src/auth/caller.js';
import { BenchBaselineRepository } from './bench-baseline.repository.js';

/** Not in schema.gql: served only by scripts/bench-service-main.ts, for `npm run bench:service`. */
@Resolver()
export class BenchBaselineResolver {
  constructor(private readonly rows: BenchBaselineRepository) {}

  // The organization key is checked like any mutation's, so the baseline pays the same auth cost as recordEvent.
  @Mutation(() => Boolean, { nullable: true, description: 'Benchmark baseline: one plain INSERT of one row, no ledger.' })
  async benchPlainInsert(@CurrentCaller() caller: Caller, @Args('note') note: string): Promise<boolean> {
    const org = requireOrganization(caller);
    await this.rows.insertRow(org.organizationId, note);
    return true;
  }
}
