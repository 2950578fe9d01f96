import { Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import { type Caller, requireAdminOr } from '../auth/caller.js';
import { CosignaturesRepository } from './cosignatures.repository.js';
import { WitnessStateModel } from './witness-state.models.js';
import { WitnessesService } from './witnesses.service.js';

@Resolver()
export class WitnessesResolver {
  constructor(
    private readonly feeds: WitnessesService,
    private readonly cosignatures: CosignaturesRepository,
  ) {}

  /**
   * The witnesses' state, for who checks the ledger: the newest cosignature of each is on record (and public in
   * the checkpoint's signature lines), but the refusals and the witnesses' addresses are operational detail.
   */
  @Query(() => [WitnessStateModel], { description: 'Admin or regulator: each configured witness, the newest tree it cosigned and its last error.' })
  async witnesses(@CurrentCaller() caller: Caller): Promise<WitnessStateModel[]> {
    requireAdminOr(caller, ['REGULATOR'], 'witnesses');
    const newest = await this.cosignatures.newestByWitness();
    return this.feeds.status().map((w) => {
      const kept = newest.get(w.witness) ?? null;
      const [name, keyId] = splitLabel(w.witness);
      return { name, keyId, cosignedSize: kept?.treeSize ?? null, cosignedAt: kept?.at ?? null, lastError: w.lastError };
    });
  }
}

/** `name+keyid` (how cosignatures are kept) into its two parts; the name may itself hold a '+'. Pure. */
export function splitLabel(label: string): [string, string] {
  const plus = label.lastIndexOf('+');
  return [label.slice(0, plus), label.slice(plus + 1)];
}
