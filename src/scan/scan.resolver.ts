import { Args, Field, Int, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BizStepEnum, BatchStatusEnum, ColdChainStatusEnum, ProductCategoryEnum, RecallLevelEnum } from '../graphql/enums.js';
import { VerificationModel } from '../ledger/ledger.models.js';
import { ScanService, type ScanView } from './scan.service.js';
import { TIMELINE_DEFAULT_PAGE, TIMELINE_MAX_PAGE, timelineCursor } from './timeline-page.js';

@ObjectType('ScanEvent')
export class ScanEventModel {
  @Field(() => BizStepEnum) bizStep: string;
  @Field() eventTime: Date;
  @Field(() => String, { nullable: true, description: 'Where, at district level at most' }) place: string | null;
  @Field(() => String, { nullable: true, description: 'Who, by organization name' }) organization: string | null;
  @Field({ description: "Pass as the timeline's `after` for the events after this one" }) cursor: string;
  @Field(() => String, {
    nullable: true,
    description: 'Set when its recorder declared the event erroneous (EPCIS errorDeclaration): the reason as declared, empty when none was given',
  })
  declaredErroneous: string | null;
}

@ObjectType('RecallNotice')
export class RecallNoticeModel {
  @Field(() => RecallLevelEnum) level: string;
  @Field() reason: string;
  @Field() initiatedAt: Date;
}

@ObjectType('ScanResult', { description: 'What a consumer sees after scanning a QR label. Only public information.' })
export class ScanResultModel {
  @Field() traceCode: string;
  @Field() productName: string;
  @Field(() => ProductCategoryEnum) category: string;
  @Field() lotCode: string;
  @Field() producer: string;
  @Field(() => String, { nullable: true }) origin: string | null;
  @Field(() => String, { nullable: true }) geographicIndication: string | null;
  @Field(() => BatchStatusEnum) status: string;
  @Field(() => ColdChainStatusEnum) coldChainStatus: string;
  @Field(() => Int, { description: 'Events in the whole story (the lot’s and the batches’ it was made from): more than `timeline` returned means more pages' })
  timelineTotal: number;
  @Field(() => RecallNoticeModel, { nullable: true }) recall: RecallNoticeModel | null;
  @Field(() => VerificationModel) verification: VerificationModel;
}

@Resolver()
export class ScanResolver {
  constructor(private readonly scans: ScanService) {}

  @Query(() => ScanResultModel, { nullable: true, description: 'Public. Null for a code that names no batch.' })
  scan(@Args('code') code: string): Promise<ScanResultModel | null> {
    return this.scans.scan(code);
  }
}

/** A scan's story comes a page at a time, so an anonymous answer stays small however long the lot's history. */
@Resolver(() => ScanResultModel)
export class ScanTimelineResolver {
  constructor(private readonly scans: ScanService) {}

  @ResolveField(() => [ScanEventModel], {
    description:
      `The story, oldest first: \`first\` events (default ${TIMELINE_DEFAULT_PAGE}, at most ${TIMELINE_MAX_PAGE}) ` +
      'after the event whose cursor is `after` (from the start without it). timelineTotal says how many there are in all.',
  })
  async timeline(
    @Parent() result: ScanView,
    @Args('first', { type: () => Int, nullable: true, defaultValue: TIMELINE_DEFAULT_PAGE }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ScanEventModel[]> {
    return (await this.scans.timeline(result, first, after)).map(({ seq, ...event }) => ({
      ...event,
      declaredErroneous: event.declaredErroneous ?? null,
      cursor: timelineCursor(seq),
    }));
  }
}
