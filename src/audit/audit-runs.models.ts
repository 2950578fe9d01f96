import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SafeIntScalar } from '../graphql/scalars.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import type { AuditRequester } from './audit-run.js';

export const AuditRequesterKindEnum = { ADMIN: 'ADMIN', ORGANIZATION: 'ORGANIZATION', SCHEDULE: 'SCHEDULE' } as const satisfies {
  [K in AuditRequester['kind']]: K;
};
registerEnumType(AuditRequesterKindEnum, {
  name: 'AuditRequesterKind',
  description: "Who ran a ledger audit: the admin key, an organization's key (a regulator's), or the service's own periodic audit.",
});

@ObjectType('LedgerAuditRun', {
  description:
    'A completed audit of the ledger: verifyLedger (the chain over a range, and the projection audit when asked for over a range to the head) ' +
    "or the service's periodic projection audit. Recorded when it finishes; never changed.",
})
export class LedgerAuditRunModel {
  @Field() finishedAt: Date;
  @Field(() => AuditRequesterKindEnum) requestedBy: AuditRequester['kind'];
  @Field(() => OrganizationModel, { nullable: true, description: 'The organization whose key ran it; null for the admin and the schedule.' })
  requestedByOrganization: OrganizationModel | null;
  @Field(() => SafeIntScalar, { description: 'The first ledger entry covered.' }) fromSeq: number;
  @Field(() => SafeIntScalar, { description: 'The last ledger entry covered (the projection audit replays from 1 to the ledger’s size).' }) toSeq: number;
  @Field(() => Boolean, { nullable: true, description: "The chain's hashes and links check out; null when the chain was not checked (the schedule)." })
  chainValid: boolean | null;
  @Field(() => SafeIntScalar, { nullable: true }) checkedEntries: number | null;
  @Field(() => SafeIntScalar, { nullable: true }) firstInvalidSeq: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Every projection row agrees with the ledger; null when the projection audit did not run.' })
  projectionsClean: boolean | null;
  @Field(() => SafeIntScalar, { nullable: true }) rowsChecked: number | null;
  @Field(() => SafeIntScalar, { nullable: true }) disagreements: number | null;
  @Field(() => SafeIntScalar, { nullable: true }) uncheckedRows: number | null;
}
