import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { UnitEventModel, UnitModel } from './unit.models.js';
import { type UnitEvent, UnitsService } from './units.service.js';

/**
 * A unit's own events and sale (the lot's entries that named it, unit_event), read only when a query
 * asks for them, once for both fields: unit() without them costs what it did (one statement).
 */
@Resolver(() => UnitModel)
export class UnitEventsResolver {
  /** The read of each unit answered in this request, shared by its two fields (keyed by the answer's object, so it goes with it). */
  private readonly reads = new WeakMap<UnitModel, ReturnType<UnitsService['eventsOf']>>();

  constructor(private readonly units: UnitsService) {}

  @ResolveField(() => [UnitEventModel], { description: 'The events that named this unit, oldest first (its lot’s own story is on batch)' })
  async events(@Parent() unit: UnitModel): Promise<UnitEventModel[]> {
    return (await this.read(unit)).events.map(asModel);
  }

  @ResolveField(() => UnitEventModel, { nullable: true, description: 'The RETAIL_SELLING that sold it; null while unsold' })
  async sale(@Parent() unit: UnitModel): Promise<UnitEventModel | null> {
    const { sale } = await this.read(unit);
    return sale && asModel(sale);
  }

  private read(unit: UnitModel): ReturnType<UnitsService['eventsOf']> {
    let read = this.reads.get(unit);
    if (!read) {
      read = this.units.eventsOf(unit);
      this.reads.set(unit, read);
    }
    return read;
  }
}

function asModel(e: UnitEvent): UnitEventModel {
  return { seq: e.seq, bizStep: e.bizStep, eventTime: e.eventTime, facilityName: e.facilityName };
}
