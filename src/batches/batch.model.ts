import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { BatchStatusEnum } from '../graphql/enums.js';
import type { OrganizationModel } from '../organizations/organization.model.js';
import type { ProductModel } from '../products/product.model.js';
import type { BatchStatus } from './batch-status.js';
import type { ShippingEntry } from './shipment.model.js';

@ObjectType('Batch')
export class BatchModel {
  @Field(() => ID) id: string;
  productId: string;
  producerId: string;
  custodianId: string;
  originFacilityId: string;
  @Field() lotCode: string;
  @Field({ description: "The code behind the batch's QR label; scan(code) takes it." }) traceCode: string;
  @Field(() => Float) quantity: number;
  @Field() unit: string;
  @Field(() => BatchStatusEnum) status: BatchStatus;
  @Field() producedAt: Date;
  /** The cold-chain summary the projection keeps; resolved into fields by the cold-chain resolver. */
  readingCount?: number;
  excursionCount?: number;
  meanKineticTempC?: number | null;
  excursions?: { kind: string; start: string; end: string; minutes: number; minC: number; maxC: number }[];
  /** While in transit (the row's columns): to whom, how much, by whom; the Shipment field is made of them. */
  inTransitToId?: string | null;
  inTransitQuantity?: number | null;
  shippedById?: string | null;
  /** The SHIPPING entry, when a list read it with the batch (Viewer.inboundBatches): then resolved without a query. */
  shipping?: ShippingEntry;
  /** Loaded with the batch when a list of batches already has them (a trace): then resolved without a loader. */
  custodian?: OrganizationModel;
  product?: ProductModel;
}
