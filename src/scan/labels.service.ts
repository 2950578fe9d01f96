import { Inject, Injectable } from '@nestjs/common';
import type { Caller, OrganizationCaller } from '../auth/caller.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { withKeyPin } from '../ledger/key-fingerprint.js';
import { verifierKey, verifierKeyFingerprint } from '../ledger/signing-key.js';
import { labelSheetPdf } from './label-sheet.js';
import { type LabelLink, labelPng, labelSvg, labelTarget, type LabelTarget } from './labels.js';
import { ScannedBatch, ScanRepository } from './scan.repository.js';
import { normalizeTraceCode } from './scan.service.js';
import { servedWitnessPolicy, witnessPolicyFingerprint } from '../witnesses/served-policy.js';
import { withPolicyPin } from '../witnesses/witness-policy.js';

export type LabelFormat = 'png' | 'svg';

/** A label file as requested: whose label, in which format. */
export interface LabelFile {
  traceCode: string;
  format: LabelFormat;
}

/** The image, and what it encodes (LabelTarget: which link, and why a GTIN product's label fell back to the page URL). */
export type LabelImage = ({ format: 'png'; image: Buffer } | { format: 'svg'; image: string }) & { target: LabelTarget };

/** A label sheet, and the trace codes of its labels that carry the page URL although their product has a GTIN. */
export interface LabelSheet {
  pdf: Buffer;
  fallbacks: string[];
}

/** The largest sheet printed at once: ten A4 pages of twelve. */
export const MAX_SHEET_LABELS = 120;

/**
 * QR labels, printed by a batch's producer or custodian only. Each carries the ledger's key
 * fingerprint in its fragment (`#k=…`, LEDGER-SPEC §4.1), and with a witness policy set its fingerprint
 * (`&w=…`): the phone's check fails if the key or the policy the service serves is another.
 */
@Injectable()
export class LabelsService {
  private readonly keyPin: string;
  private readonly policyPin: string | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scans: ScanRepository,
    private readonly batches: BatchesRepository,
  ) {
    this.keyPin = verifierKeyFingerprint(verifierKey(config.ledgerOrigin, config.ledgerSigningKey.publicKeyRaw));
    const policy = servedWitnessPolicy(config);
    this.policyPin = policy && witnessPolicyFingerprint(policy);
  }

  /** The URL with the key's pin, and the policy's when there is one. */
  private pinned(url: string): string {
    const withKey = withKeyPin(url, this.keyPin);
    return this.policyPin ? withPolicyPin(withKey, this.policyPin) : withKey;
  }

  /** One label: by default the lot's GS1 Digital Link URI when its product has a GTIN, else the page URL (see labelTarget). */
  async label(caller: Caller, file: LabelFile, link: LabelLink): Promise<LabelImage> {
    const printer = labelPrinter(caller);
    const scanned = await this.ownedBatch(printer, file.traceCode, file.traceCode);
    const target = labelTarget(this.config.publicBaseUrl, scanned, link);
    const content = this.pinned(target.url);
    return file.format === 'png' ? { format: 'png', image: await labelPng(content), target } : { format: 'svg', image: await labelSvg(content), target };
  }

  /**
   * A printable A4 PDF of labels (code, product and lot under each), in the order given, each encoding what
   * its single label would; a GTIN product's label that falls back to the page URL says so under it.
   */
  async sheet(caller: Caller, codes: string[], link: LabelLink): Promise<LabelSheet> {
    const printer = labelPrinter(caller);
    const labels = [];
    const fallbacks: string[] = [];
    for (const code of codes) {
      const scanned = await this.ownedBatch(printer, normalizeTraceCode(code), code);
      const target = labelTarget(this.config.publicBaseUrl, scanned, link);
      const lines = [scanned.traceCode, scanned.productName, `批号 Lot ${scanned.lotCode}`];
      if (target.fallback) {
        fallbacks.push(scanned.traceCode);
        lines.push('页面链接：批号不符合 GS1 AI (10)', 'Page URL: lot is not GS1 AI (10)');
      }
      labels.push({ url: this.pinned(target.url), lines });
    }
    return { pdf: await labelSheetPdf(labels), fallbacks };
  }

  /** The batch with this trace code, when the caller produced it or holds it; `asGiven` names it in errors. */
  private async ownedBatch(caller: OrganizationCaller, traceCode: string | null, asGiven: string): Promise<ScannedBatch> {
    const scanned = traceCode ? await this.scans.findByTraceCode(traceCode) : null;
    const batch = scanned && (await this.batches.findById(scanned.id));
    if (!scanned || !batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${asGiven}`);
    if (batch.producerId !== caller.organizationId && batch.custodianId !== caller.organizationId) {
      throw new DomainError('NOT_OWNER', `batch ${scanned.traceCode} is neither produced nor held by your organization`);
    }
    return scanned;
  }
}

/** Labels are printed with an organization's key; the batch's ownership is checked per label. */
export function labelPrinter(caller: Caller): OrganizationCaller {
  if (caller.kind !== 'organization')
    throw new DomainError('AUTHENTICATION_REQUIRED', "labels are printed by the batch's producer or custodian, with its API key");
  return caller;
}
