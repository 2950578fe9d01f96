import { DomainError } from '../common/domain-error.js';
import { OrganizationKind } from '../organizations/organization-kind.js';

/** Who is asking, as the Authorization header proved it. */
export type Caller =
  { kind: 'anonymous' } | { kind: 'admin' } | { kind: 'organization'; organizationId: string; organizationKind: OrganizationKind; apiKeyId: string };

export type OrganizationCaller = Extract<Caller, { kind: 'organization' }>;

export const ANONYMOUS: Caller = { kind: 'anonymous' };

export function requireAdmin(caller: Caller): void {
  if (caller.kind === 'admin') return;
  if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'this needs the admin API key (Authorization: Bearer <key>)');
  throw new DomainError('ADMIN_ONLY', 'only the admin API key may do this');
}

export function requireOrganization(caller: Caller): OrganizationCaller {
  if (caller.kind === 'organization') return caller;
  if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', "this needs an organization's API key (Authorization: Bearer <key>)");
  throw new DomainError('ORGANIZATION_ONLY', 'this is done by an organization with its own API key, not with the admin key');
}

/** Organizations that make goods (grow, process, or pack their own brand): they register products and batches. Carriers, labs and regulators do not. */
export const MAKERS: readonly OrganizationKind[] = ['PRODUCER', 'PROCESSOR', 'RETAILER'];

export function requireMaker(caller: Caller, what: string): OrganizationCaller {
  const org = requireOrganization(caller);
  if (!MAKERS.includes(org.organizationKind))
    throw new DomainError('ROLE_NOT_ALLOWED', `${what} is for organizations that make goods (${MAKERS.join(', ')}), not a ${org.organizationKind}`);
  return org;
}

/** Admin, or an organization of one of the given kinds. */
export function requireAdminOr(caller: Caller, kinds: readonly OrganizationKind[], what: string): void {
  if (caller.kind === 'admin') return;
  if (caller.kind === 'organization' && kinds.includes(caller.organizationKind)) return;
  if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', `${what} needs an API key (Authorization: Bearer <key>)`);
  throw new DomainError('ROLE_NOT_ALLOWED', `${what} is for the admin or a ${kinds.join(' or ')} organization`);
}
