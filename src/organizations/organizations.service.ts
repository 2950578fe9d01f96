import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateApiKeySecret, hashApiKeySecret } from '../auth/api-key-secret.js';
import { AuthRepository } from '../auth/auth.repository.js';
import { Caller, requireAdmin } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { newEntry } from '../ledger/entry-types.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { CreateOrganizationInput } from './dto/create-organization.input.js';
import { Organization, OrganizationsRepository } from './organizations.repository.js';
import { companyPrefixProblem } from '../packages/sscc.js';
import { usccProblem } from './uscc.js';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly organizations: OrganizationsRepository,
    private readonly keys: AuthRepository,
  ) {}

  /**
   * One organization by id: the admin and regulators (who list them all), and the organization itself. Another
   * organization is told there is none, as for an unknown id: which organizations exist is not its business.
   */
  async get(caller: Caller, id: string): Promise<Organization> {
    if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'organization needs an API key (Authorization: Bearer <key>)');
    const allowed = caller.kind === 'admin' || caller.organizationKind === 'REGULATOR' || caller.organizationId === id;
    const organization = allowed ? await this.organizations.findById(id) : null;
    if (!organization) throw new DomainError('ORGANIZATION_NOT_FOUND', `no organization you may see has id ${id}`);
    return organization;
  }

  /** Admin only. The organization's first API key is returned here once and stored only as a hash. */
  async create(caller: Caller, input: CreateOrganizationInput): Promise<{ organization: Organization; apiKey: string }> {
    requireAdmin(caller);
    // An empty uscc is a malformed one, not a missing one.
    const uscc = input.uscc != null ? input.uscc.toUpperCase() : null;
    if (uscc !== null) {
      const problem = usccProblem(uscc);
      if (problem) throw new DomainError('INVALID_USCC', `uscc ${uscc}: ${problem}`);
    }
    const gs1CompanyPrefix = input.gs1CompanyPrefix ?? null;
    if (gs1CompanyPrefix !== null) checkCompanyPrefix(gs1CompanyPrefix);
    const organization: Organization = { id: randomUUID(), name: input.name, kind: input.kind, uscc };
    const apiKey = generateApiKeySecret();
    const draft = newEntry('ORGANIZATION_REGISTERED', null, {
      organizationId: organization.id,
      name: organization.name,
      kind: organization.kind,
      ...(uscc ? { uscc } : {}),
      ...(gs1CompanyPrefix ? { gs1CompanyPrefix } : {}),
    });

    await this.writer.execute({
      actor: 'system',
      run: async ({ tx, append }) => {
        if (uscc && (await this.organizations.usccTaken(tx, uscc)))
          throw new DomainError('DUPLICATE_USCC', `an organization with uscc ${uscc} is already registered`);
        if (gs1CompanyPrefix && (await this.organizations.gs1CompanyPrefixHolder(tx, gs1CompanyPrefix)))
          throw new DomainError('DUPLICATE_GS1_COMPANY_PREFIX', `another organization has GS1 company prefix ${gs1CompanyPrefix}`);
        const [entry] = await append([draft]);
        await this.organizations.insert(tx, { ...organization, gs1CompanyPrefix, createdSeq: entry.seq, createdAt: entry.recordedAt });
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

  /**
   * Admin only: sets or changes an organization's GS1 company prefix, one GS1_COMPANY_PREFIX_SET entry.
   * SSCCs already minted keep their prefix; new ones use this one.
   */
  async setGs1CompanyPrefix(caller: Caller, organizationId: string, prefix: string): Promise<LedgerEntry> {
    requireAdmin(caller);
    checkCompanyPrefix(prefix);
    return this.writer.execute({
      actor: 'system',
      run: async ({ tx, append }) => {
        if (!(await this.organizations.findById(organizationId))) throw new DomainError('ORGANIZATION_NOT_FOUND', `no organization has id ${organizationId}`);
        const holder = await this.organizations.gs1CompanyPrefixHolder(tx, prefix);
        if (holder && holder !== organizationId) throw new DomainError('DUPLICATE_GS1_COMPANY_PREFIX', `another organization has GS1 company prefix ${prefix}`);
        const [entry] = await append([newEntry('GS1_COMPANY_PREFIX_SET', null, { organizationId, gs1CompanyPrefix: prefix })]);
        await this.organizations.setGs1CompanyPrefix(tx, organizationId, prefix);
        return entry;
      },
    });
  }
}

function checkCompanyPrefix(prefix: string): void {
  const problem = companyPrefixProblem(prefix);
  if (problem) throw new DomainError('INVALID_GS1_COMPANY_PREFIX', `gs1CompanyPrefix: ${problem}`);
}
