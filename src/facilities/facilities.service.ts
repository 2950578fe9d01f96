import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { RegisterFacilityInput } from './dto/register-facility.input.js';
import { FacilitiesRepository, Facility } from './facilities.repository.js';
import { isValidGln } from './gln.js';

@Injectable()
export class FacilitiesService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly facilities: FacilitiesRepository,
  ) {}

  /** A farm plot, pasture, factory, cold store, warehouse or shop of the caller's organization. */
  async register(caller: Caller, input: RegisterFacilityInput): Promise<Facility> {
    const org = requireOrganization(caller);
    const gln = input.gln ?? null;
    if (gln !== null && !isValidGln(gln)) throw new DomainError('INVALID_GLN', `gln ${gln} is not a GLN: 13 digits, the last a valid GS1 check digit`);
    const facility: Facility = { id: randomUUID(), organizationId: org.organizationId, name: input.name, region: input.region ?? null, gln };
    const draft = newEntry('FACILITY_REGISTERED', null, {
      facilityId: facility.id,
      name: facility.name,
      ...(facility.region ? { region: facility.region } : {}),
      ...(gln ? { gln } : {}),
    });
    await this.writer.execute({
      actor: org.organizationId,
      run: async ({ tx, append }) => {
        if (gln && (await this.facilities.glnTakenInTx(tx, gln))) throw new DomainError('DUPLICATE_GLN', `a facility with GLN ${gln} is already registered`);
        const [entry] = await append([draft]);
        await this.facilities.insert(tx, { ...facility, createdSeq: entry.seq });
      },
    });
    return facility;
  }
}
