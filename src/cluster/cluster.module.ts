import { Global, Module } from '@nestjs/common';
import { ClusterLink } from './cluster-link.js';

/** The state shared with the other workers of a cluster (or kept here when run alone), for every module. */
@Global()
@Module({ providers: [ClusterLink], exports: [ClusterLink] })
export class ClusterModule {}
