import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { BIZ_STEPS } from './biz-step.js';
import { RecordEventInput } from './dto/record-event.input.js';
import { EventStepRuleModel } from './event-rules.model.js';
import { EventsService } from './events.service.js';
import { keyDataElementRules } from './key-data-elements.js';
import { RecordEventsPipe } from './record-events.pipe.js';

@Resolver()
export class EventsResolver {
  constructor(private readonly events: EventsService) {}

  @Query(() => [EventStepRuleModel], { description: 'Public. What recordEvent requires of each business step (key data elements, quantity, destination).' })
  eventRules(): EventStepRuleModel[] {
    return keyDataElementRules(BIZ_STEPS).map(EventStepRuleModel.from);
  }

  @Mutation(() => LedgerEntryModel, { description: "The batch's custodian records what happened to it." })
  async recordEvent(@CurrentCaller() caller: Caller, @Args('input') input: RecordEventInput): Promise<LedgerEntryModel> {
    const [entry] = await this.events.record(caller, [input]);
    return LedgerEntryModel.from(entry);
  }

  @Mutation(() => [LedgerEntryModel], { description: 'Up to 1,000 events, all or nothing.' })
  async recordEvents(
    @CurrentCaller() caller: Caller,
    @Args('input', { type: () => [RecordEventInput] }, RecordEventsPipe) input: RecordEventInput[],
  ): Promise<LedgerEntryModel[]> {
    return (await this.events.record(caller, input)).map(LedgerEntryModel.from);
  }
}
