import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, requireOrganization } from '../auth/caller.js';
import { draftEntry } from '../ledger/ledger-entry.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { RegisterFacilityInput } from './dto/register-facility.input.js';
import { FacilitiesRepository, Facility } from './facilities.repository.js';

@Injectable()
export class FacilitiesService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly facilities: FacilitiesRepository,
  ) {}

  /** A farm plot, pasture, factory, cold store, warehouse or shop of the caller's organization. */
  async register(caller: Caller, input: RegisterFacilityInput): Promise<Facility> {
    const org = requireOrganization(caller);
    const facility: Facility = { id: randomUUID(), organizationId: org.organizationId, name: input.name, region: input.region ?? null };
    const draft = draftEntry('FACILITY_REGISTERED', null, { facilityId: facility.id, name: facility.name, ...(facility.region ? { region: facility.region } : {}) });
    await this.writer.execute({
      actor: org.organizationId,
      run: async ({ tx, append }) => {
        const [entry] = await append([draft]);
        await this.facilities.insert(tx, { ...facility, createdSeq: entry.seq });
      },
    });
    return facility;
  }
}
