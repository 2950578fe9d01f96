import { Args, Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { BizStepEnum, BatchStatusEnum, ColdChainStatusEnum, ProductCategoryEnum, RecallLevelEnum } from '../graphql/enums.js';
import { VerificationModel } from '../ledger/ledger.models.js';
import { ScanService } from './scan.service.js';

@ObjectType('ScanEvent')
export class ScanEventModel {
  @Field(() => BizStepEnum) bizStep: string;
  @Field() eventTime: Date;
  @Field(() => String, { nullable: true, description: 'Where, at district level at most' }) place: string | null;
  @Field(() => String, { nullable: true, description: 'Who, by organization name' }) organization: string | null;
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
  @Field(() => [ScanEventModel]) timeline: ScanEventModel[];
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
