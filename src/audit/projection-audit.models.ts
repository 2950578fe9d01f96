import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JsonScalar, SafeIntScalar } from '../graphql/scalars.js';

@ObjectType('ProjectionDisagreement', { description: 'A row of a table the pages read that is not what the ledger says it should be.' })
export class ProjectionDisagreementModel {
  @Field({
    description:
      'organization, facility, product, batch, batch_story (a lot story kept for its page and scan), unit_event or unit_sale (the units events named), ' +
      'package, package_unit, package_child, package_event or unit_holder (packing)',
  })
  table: string;
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true, description: 'The first column that disagrees; null when the whole row is missing on one side.' })
  column: string | null;
  @Field(() => JsonScalar, { nullable: true }) ledgerValue: unknown;
  @Field(() => JsonScalar, { nullable: true }) tableValue: unknown;
  @Field(() => SafeIntScalar, { nullable: true, description: 'The newest ledger entry the expected value comes from.' }) seq: number | null;
  @Field() reason: string;
}

@ObjectType('ProjectionAudit', { description: 'The projection tables replayed from the ledger and compared, row by row.' })
export class ProjectionAuditModel {
  @Field() clean: boolean;
  @Field() auditedAt: Date;
  @Field(() => SafeIntScalar, { description: 'Entries replayed: the ledger as of the audit.' }) ledgerSize: number;
  @Field(() => SafeIntScalar) rowsChecked: number;
  @Field(() => SafeIntScalar, { description: 'Rows that disagree with the ledger.' }) disagreements: number;
  @Field(() => SafeIntScalar, { description: 'Rows not checked because a ledger payload they come from was erased.' }) uncheckedRows: number;
  @Field(() => ProjectionDisagreementModel, {
    nullable: true,
    description: 'The first, tables in the order organization, facility, product, batch, batch_story, the units’ event index, rows by id.',
  })
  firstDisagreement: ProjectionDisagreementModel | null;
}
