import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Type } from '@nestjs/common';
import { IsBoolean, IsDate, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { BatchModel } from '../batches/batch.model.js';
import { IsPlainText } from '../common/text.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { BATCH_STATUSES, type BatchStatus } from '../batches/batch-status.js';
import { TRACE_CODE_PATTERN } from '../batches/trace-code.js';
import { FacilityModel } from '../facilities/facility.model.js';
import { InspectionModel } from '../inspections/inspection.model.js';
import { BatchStatusEnum } from '../graphql/enums.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import { ProductModel } from '../products/product.model.js';
import { RecallModel } from '../recalls/recalls.resolver.js';

@ObjectType('PageInfo', { description: 'Where a page of a list ends: pass endCursor as `after` for the next page while hasNextPage.' })
export class PageInfoModel {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true, description: 'The last edge’s cursor; null on an empty page.' }) endCursor: string | null;
}

/** The Edge and Connection types of one node type, named as Relay names them (BatchEdge, BatchConnection). */
export function connectionOf<T>(node: Type<T>, name: string, plural: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field({ description: 'Opaque: pass it as `after` to read on from this edge.' }) cursor: string;
    @Field(() => node) node: T;
  }
  @ObjectType(`${name}Connection`, { description: `${plural} in a stable order, newest first, a page at a time.` })
  class Connection {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => PageInfoModel) pageInfo: PageInfoModel;
  }
  return Connection;
}

export const BatchConnection = connectionOf(BatchModel, 'Batch', 'Batches');
export const FacilityConnection = connectionOf(FacilityModel, 'Facility', 'Facilities');
export const ProductConnection = connectionOf(ProductModel, 'Product', 'Products');
export const RecallConnection = connectionOf(RecallModel, 'Recall', 'Recalls');
export const OrganizationConnection = connectionOf(OrganizationModel, 'Organization', 'Organizations');
export const LedgerEntryConnection = connectionOf(LedgerEntryModel, 'LedgerEntry', 'Ledger entries');
export const InspectionConnection = connectionOf(InspectionModel, 'Inspection', 'Inspections');

@InputType('BatchFilter', { description: 'Every field given must match (AND); an absent field does not filter.' })
export class BatchFilterInput {
  @Field(() => BatchStatusEnum, { nullable: true }) @IsOptional() @IsIn(BATCH_STATUSES) status?: BatchStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() productId?: string;
  @Field(() => String, { nullable: true, description: 'The product’s GTIN-14.' })
  @IsOptional()
  @Matches(/^[0-9]{14}$/, { message: 'gtin must be 14 digits (a GTIN-14)' })
  gtin?: string;
  @Field(() => String, { nullable: true, description: 'The lot code exactly as registered.' }) @IsOptional() @IsPlainText(1, 64) lotCode?: string;
  @Field(() => String, { nullable: true, description: 'The code behind the batch’s QR label (12 characters, as printed).' })
  @IsOptional()
  @Matches(TRACE_CODE_PATTERN, { message: 'traceCode must be the 12 characters printed under the label (digits and capitals)' })
  traceCode?: string;
  @Field(() => ID, { nullable: true, description: 'The organization that made the batch.' }) @IsOptional() @IsUUID() producerId?: string;
  @Field(() => String, { nullable: true, description: 'The region of the facility the batch was produced at, exactly as registered.' })
  @IsOptional()
  @IsPlainText(1, 200)
  region?: string;
  @Field(() => Date, { nullable: true, description: 'Produced at or after this instant.' }) @IsOptional() @IsDate() producedFrom?: Date;
  @Field(() => Date, { nullable: true, description: 'Produced before this instant.' }) @IsOptional() @IsDate() producedTo?: Date;
  @Field(() => Boolean, { nullable: true, description: 'True: only batches with cold-chain excursions; false: only those without.' })
  @IsOptional()
  @IsBoolean()
  hasExcursions?: boolean;
}

@ObjectType('Viewer', { description: 'What the caller’s key belongs to, and what it owns. The admin key belongs to no organization and owns nothing.' })
export class ViewerModel {
  /** The caller's organization, null for the admin key; the resolvers read it from here. */
  organizationId: string | null;
  @Field(() => OrganizationModel, { nullable: true }) organization: OrganizationModel | null;
}
