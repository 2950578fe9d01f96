import { Module } from '@nestjs/common';
import { BatchCertificatesResolver, ProductCertificatesResolver } from './certificates.resolver.js';
import { CertificatesRepository } from './certificates.repository.js';
import { CertificatesService } from './certificates.service.js';

@Module({ providers: [CertificatesRepository, CertificatesService, ProductCertificatesResolver, BatchCertificatesResolver] })
export class CertificatesModule {}
