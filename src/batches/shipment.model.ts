import { Field, Float, ObjectType } from '@nestjs/graphql';
import { SafeIntScalar } from '../graphql/scalars.js';
import { OrganizationModel } from '../organizations/organization.model.js';

@ObjectType('Shipment', { description: 'A batch on its way: who shipped it, to whom, how much and when (its SHIPPING event).' })
export class ShipmentModel {
  @Field(() => OrganizationModel, { description: 'The organization that shipped it (its custodian until it is received).' }) shippedBy: OrganizationModel;
  @Field(() => OrganizationModel, { description: 'The organization it is shipped to: only that one records its RECEIVING.' }) destination: OrganizationModel;
  @Field(() => Float, { description: 'How much was shipped, in the batch’s unit: at most this is received.' }) quantity: number;
  @Field() unit: string;
  @Field({ description: 'The SHIPPING event’s time, as the shipper recorded it.' }) shippedAt: Date;
  @Field(() => SafeIntScalar, { description: 'The ledger sequence number of the SHIPPING entry (as LedgerEntry.seq).' }) shippingSeq: number;
}

/** What a shipment is read from: the batch row's in-transit columns and its SHIPPING entry. */
export interface ShippingEntry {
  seq: number;
  eventTime: Date;
}
