import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateApiKeySecret, hashApiKeySecret } from '../auth/api-key-secret.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { Caller, requireAdmin } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { CreateOrganizationInput } from './dto/create-organization.input.js';
import { Organization, OrganizationsRepository } from './organizations.repository.js';
import { usccProblem } from './uscc.js';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly organizations: OrganizationsRepository,
    private readonly keys: AuthRepository,
  ) {}

  /** Admin only. The organization's first API key is returned here once and stored only as a hash. */
  async create(caller: Caller, input: CreateOrganizationInput): Promise<{ organization: Organization; apiKey: string }> {
    requireAdmin(caller);
    // An empty uscc is a malformed one, not a missing one.
    const uscc = input.uscc != null ? input.uscc.toUpperCase() : null;
    if (uscc !== null) {
      const problem = usccProblem(uscc);
      if (problem) throw new DomainError('INVALID_USCC', `uscc ${uscc}: ${problem}`);
    }
    const organization: Organization = { id: randomUUID(), name: input.name, kind: input.kind, uscc };
    const apiKey = generateApiKeySecret();
    const draft = newEntry('ORGANIZATION_REGISTERED', null, {
      organizationId: organization.id,
      name: organization.name,
      kind: organization.kind,
      ...(uscc ? { uscc } : {}),
    });

    await this.writer.execute({
      actor: 'system',
      run: async ({ tx, append }) => {
        if (uscc && (await this.organizations.usccTaken(tx, uscc)))
          throw new DomainError('DUPLICATE_USCC', `an organization with uscc ${uscc} is already registered`);
        const [entry] = await append([draft]);
        await this.organizations.insert(tx, { ...organization, createdSeq: entry.seq, createdAt: entry.recordedAt });
        await this.keys.insertKey(tx, {
          id: randomUUID(),
          organizationId: organization.id,
          label: 'initial',
          secretHash: hashApiKeySecret(apiKey),
          createdAt: entry.recordedAt,
        });
      },
    });
    return { organization, apiKey };
  }
}
