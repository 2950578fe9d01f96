import { Field, Int, ObjectType } from '@nestjs/graphql';
import { BizStepEnum } from '../graphql/enums.js';
import type { BizStep } from './biz-step.js';
import type { StepRule } from './key-data-elements.js';

@ObjectType('KeyDataElementRule', { description: 'One key data element a step’s event carries in `details`.' })
export class KeyDataElementRuleModel {
  @Field({ description: 'Its name in details, e.g. harvestDate' }) name: string;
  @Field({ description: 'TEXT, or DATE (YYYY-MM-DD, not after the event time)' }) kind: string;
  @Field(() => Int) maxLength: number;
}

@ObjectType('EventStepRule', {
  description: 'What recordEvent requires of one business step: the rules it checks events with, as data a form can be built from.',
})
export class EventStepRuleModel {
  @Field(() => BizStepEnum) bizStep: BizStep;
  @Field(() => String, { nullable: true, description: 'Set when recordEvent refuses the step: the mutation that records it instead' })
  recordedWith: string | null;
  @Field({ description: 'facilityId: one of your facilities' }) requiresFacility: boolean;
  @Field({ description: "quantity, more than 0, in the batch's unit" }) requiresQuantity: boolean;
  @Field({ description: 'destinationOrganizationId: the organization that will receive the batch' }) requiresDestination: boolean;
  @Field(() => [KeyDataElementRuleModel], { description: 'Required key data elements in details' }) details: KeyDataElementRuleModel[];

  static from(rule: StepRule): EventStepRuleModel {
    return Object.assign(new EventStepRuleModel(), rule, { details: rule.details.map((d) => Object.assign(new KeyDataElementRuleModel(), d)) });
  }
}
