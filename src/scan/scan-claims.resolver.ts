import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { giStanding, type GiStanding } from '../certificates/certificate-rules.js';
import { GiStandingEnum } from '../certificates/standing-enums.js';
import { ScanResultModel } from './scan.resolver.js';
import { ScanService } from './scan.service.js';

/** What a scan says of the product's claims: the same standing the page shows, so an app never shows a GI as certified on the producer's word. */
@Resolver(() => ScanResultModel)
export class ScanClaimsResolver {
  constructor(private readonly scans: ScanService) {}

  @ResolveField(() => GiStandingEnum, {
    nullable: true,
    description: 'How far the geographic indication is backed now: certified only when ATTESTED; null when the product claims none',
  })
  async geographicIndicationStanding(@Parent() result: ScanResultModel): Promise<GiStanding | null> {
    if (!result.geographicIndication) return null;
    const found = await this.scans.lookup(result.traceCode);
    if (!found) return null;
    return giStanding(result.geographicIndication, (await this.scans.pageExtras(found.batch)).certificates, new Date());
  }
}
