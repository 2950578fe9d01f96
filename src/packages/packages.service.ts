import { Injectable } from '@nestjs/common';
import { type OrganizationCaller, type Caller, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { CLOCK_SKEW_MS } from '../events/key-data-elements.js';
import type { Tx } from '../database/database.js';
import { type LotUnits, newEntry, type PackedUnits } from '../ledger/entry-types.js';
import { type LedgerEntry, requestFingerprint } from '../ledger/ledger-entry.js';
import { type AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { normalizeGtin } from '../products/gtin.js';
import { serialProblem } from '../units/unit-serials.js';
import { type DirectChildren, type LotInPackage, PackagesRepository, type StoredPackage } from './packages.repository.js';
import { nthSscc, ssccCapacity, ssccHasPrefix, ssccProblem } from './sscc.js';

/** Children one packUnits call may put in a package: a pallet of cases, or a case of units, with room to spare. */
export const MAX_CHILDREN_PER_PACKING = 10_000;
/** How many serials an error names before "and N more". */
const NAMED = 5;

export interface PackInput {
  facilityId: string;
  idempotencyKey?: string | null;
  sscc?: string | null;
  gtin?: string | null;
  unitSerials?: string[] | null;
  childSsccs?: string[] | null;
}

export interface ShipPackageInput {
  sscc: string;
  facilityId: string;
  destinationOrganizationId: string;
  eventTime?: Date | null;
}

export interface ReceivePackageInput {
  sscc: string;
  facilityId: string;
  eventTime?: Date | null;
}

export interface PackResult {
  sscc: string;
  childCount: number;
  entry: LedgerEntry;
}

/** "a, b, c and 4 more" */
function named(values: string[]): string {
  const shown = values.slice(0, NAMED).join(', ');
  return values.length > NAMED ? `${shown} and ${values.length - NAMED} more` : shown;
}

/**
 * Packing serialized units (and packages) into packages named by SSCC, taking them out again, and
 * shipping and receiving packages: each call one ledger entry, written with its rows or not at all.
 * Every rule is checked under the ledger writer's lock, before anything is written.
 */
@Injectable()
export class PackagesService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly packages: PackagesRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  /**
   * The custodian of every unit and package named puts them into a new package: the SSCC given (valid,
   * of the caller's GS1 company prefix when it has one, never used before) or minted from its prefix.
   */
  async pack(caller: Caller, input: PackInput): Promise<PackResult> {
    const org = requireOrganization(caller);
    const request = this.checkPackInput(input);
    // A retried call (its answer lost) gets the package it made, minted SSCC and all, instead of ALREADY_PACKED.
    const key = input.idempotencyKey ?? null;
    const requestHash = requestFingerprint('packUnits', { facilityId: input.facilityId, ...request });
    return this.writer.execute({
      actor: org.organizationId,
      idempotencyKeys: key ? [key] : [],
      run: async (ctx) => {
        const earlier = key ? ctx.prior(key, requestHash) : undefined;
        if (earlier) {
          const named = earlier.type === 'UNITS_PACKED' && earlier.payload ? (JSON.parse(earlier.payload) as { sscc?: string }).sscc : undefined;
          const made = named ? await this.packages.packedBy(ctx.tx, named, earlier.seq) : null;
          if (!made) throw new DomainError('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was already used for a different request (entry ${earlier.seq})`);
          return { ...made, entry: earlier };
        }
        return this.packChecked(ctx, org, input.facilityId, request, key ? { idempotencyKey: key, requestHash } : {});
      },
    });
  }

  /** packUnits inside a command that is already running (an EPCIS capture's): its entry and rows commit with the command's. */
  async packInContext(ctx: AppendContext, org: OrganizationCaller, input: PackInput): Promise<PackResult> {
    return this.packChecked(ctx, org, input.facilityId, this.checkPackInput(input));
  }

  private async packChecked(
    { tx, append }: AppendContext,
    org: OrganizationCaller,
    facilityId: string,
    request: ReturnType<PackagesService['checkPackInput']>,
    idempotency: { idempotencyKey?: string; requestHash?: string } = {},
  ): Promise<PackResult> {
    await this.checkFacility(tx, org, facilityId);
    const prefix = await this.organizations.gs1CompanyPrefix(org.organizationId, tx);
    const lots = request.gtin ? await this.checkUnits(tx, org, request.gtin, request.serials) : [];
    await this.checkChildren(tx, org, request.childSsccs);
    const sscc = request.sscc ? await this.checkGivenSscc(tx, request.sscc, prefix) : await this.mintSscc(tx, org.organizationId, prefix);
    const units: PackedUnits[] = request.gtin ? [{ gtin: request.gtin, serials: request.serials }] : [];
    const [entry] = await append([newEntry('UNITS_PACKED', null, { sscc, facilityId, units, childSsccs: request.childSsccs, lots }, idempotency)]);
    await this.packages.insertPackage(tx, {
      sscc,
      organizationId: org.organizationId,
      facilityId,
      seq: entry.seq,
      units,
      childSsccs: request.childSsccs,
    });
    return { sscc, childCount: request.serials.length + request.childSsccs.length, entry };
  }

  /** The package's custodian takes its direct children out: they are free to be packed, shipped or sold again. */
  async unpack(caller: Caller, sscc: string, facilityId: string): Promise<LedgerEntry> {
    const org = requireOrganization(caller);
    checkSscc(sscc, 'sscc');
    return this.writer.execute({ actor: org.organizationId, run: (ctx) => this.unpackChecked(ctx, org, sscc, facilityId, null) });
  }

  /**
   * unpack inside a running command (an EPCIS capture's). `given`: the children the caller says it takes
   * out; unpacking takes all of them, so a list that is not exactly the package's children is refused.
   */
  async unpackInContext(ctx: AppendContext, org: OrganizationCaller, sscc: string, facilityId: string, given: DirectChildren | null): Promise<LedgerEntry> {
    checkSscc(sscc, 'sscc');
    return this.unpackChecked(ctx, org, sscc, facilityId, given);
  }

  private async unpackChecked(
    { tx, append }: AppendContext,
    org: OrganizationCaller,
    sscc: string,
    facilityId: string,
    given: DirectChildren | null,
  ): Promise<LedgerEntry> {
    const pkg = await this.heldPackage(tx, org, sscc);
    if (pkg.status === 'UNPACKED') throw new DomainError('NOT_PACKED', `package ${sscc} was already unpacked: there is nothing in it`);
    await this.checkFacility(tx, org, facilityId);
    const children = await this.packages.directChildren(tx, sscc);
    if (given) checkNamedChildren(sscc, children, given);
    const [entry] = await append([newEntry('UNPACKED', null, { sscc, facilityId, units: children.units, childSsccs: children.childSsccs })]);
    await this.packages.unpack(tx, sscc, entry.seq);
    return entry;
  }

  /**
   * The custodian ships a package (not one inside another) to another organization. Nothing of a lot
   * that is recalled or on hold leaves: the refusal names the lot and how many of its units are inside.
   */
  async ship(caller: Caller, input: ShipPackageInput): Promise<LedgerEntry> {
    const org = requireOrganization(caller);
    checkSscc(input.sscc, 'sscc');
    const eventTime = checkEventTime(input.eventTime);
    return this.writer.execute({
      actor: org.organizationId,
      run: async ({ tx, append }) => {
        const pkg = await this.heldPackage(tx, org, input.sscc);
        if (pkg.status === 'UNPACKED') throw new DomainError('NOT_PACKED', `package ${input.sscc} was unpacked: there is nothing in it to ship`);
        await this.checkFacility(tx, org, input.facilityId);
        if (input.destinationOrganizationId === org.organizationId)
          throw new DomainError('INVALID_INPUT', 'destinationOrganizationId is your own organization: a package is shipped to another one');
        if (!(await this.packages.organizationExists(tx, input.destinationOrganizationId)))
          throw new DomainError('ORGANIZATION_NOT_FOUND', `destinationOrganizationId: no organization has id ${input.destinationOrganizationId}`);
        const inside = await this.packages.lotsInside(tx, input.sscc);
        const stopped = inside.find((lot) => lot.recalled || lot.held);
        if (stopped) {
          const why = stopped.recalled ? 'recalled' : 'on hold';
          throw new DomainError(
            'PACKAGE_NOT_RELEASED',
            `package ${input.sscc} holds ${stopped.units} unit(s) of lot ${stopped.lotCode} (batch ${stopped.batchId}), which is ${why}: ` +
              'it cannot be shipped until the lot is released or those units are unpacked',
          );
        }
        const [entry] = await append([
          newEntry('PACKAGE_SHIPPED', null, {
            sscc: input.sscc,
            facilityId: input.facilityId,
            destinationOrganizationId: input.destinationOrganizationId,
            eventTime,
            lots: lotUnits(inside),
          }),
        ]);
        await this.packages.ship(tx, input.sscc, input.destinationOrganizationId, org.organizationId, entry.seq);
        return entry;
      },
    });
  }

  /** The organization a package was shipped to receives it: custody of the package and of everything in it moves to it. */
  async receive(caller: Caller, input: ReceivePackageInput): Promise<LedgerEntry> {
    const org = requireOrganization(caller);
    checkSscc(input.sscc, 'sscc');
    const eventTime = checkEventTime(input.eventTime);
    return this.writer.execute({
      actor: org.organizationId,
      run: async ({ tx, append }) => {
        const pkg = await this.packages.findPackage(tx, input.sscc);
        if (!pkg) throw new DomainError('PACKAGE_NOT_FOUND', `no package has SSCC ${input.sscc}`);
        if (pkg.inTransitToId !== org.organizationId) {
          // Only the shipper learns that it is not in transit; anyone else, only that it was not shipped to them.
          if (pkg.custodianId === org.organizationId && pkg.status !== 'IN_TRANSIT')
            throw new DomainError('NOT_IN_TRANSIT', `package ${input.sscc} is not in transit; receiving follows shipping`);
          throw new DomainError('NOT_SHIPPED_TO_YOU', `package ${input.sscc} was not shipped to you; only the organization it is shipped to receives it`);
        }
        await this.checkFacility(tx, org, input.facilityId);
        const inside = await this.packages.lotsInside(tx, input.sscc);
        const [entry] = await append([
          newEntry('PACKAGE_RECEIVED', null, {
            sscc: input.sscc,
            facilityId: input.facilityId,
            eventTime,
            immediatePreviousSource: pkg.shippedById ?? pkg.custodianId,
            lots: lotUnits(inside),
          }),
        ]);
        await this.packages.receive(tx, input.sscc, org.organizationId, entry.seq);
        return entry;
      },
    });
  }

  /** The input's shape, before the lock: an SSCC, a GTIN and serials that can be, not too many children, none twice. */
  private checkPackInput(input: PackInput): { sscc: string | null; gtin: string | null; serials: string[]; childSsccs: string[] } {
    const serials = input.unitSerials ?? [];
    const childSsccs = input.childSsccs ?? [];
    if (input.sscc != null) checkSscc(input.sscc, 'sscc');
    for (const [name, list] of [
      ['unitSerials', input.unitSerials],
      ['childSsccs', input.childSsccs],
    ] as const)
      if (list?.length === 0) throw new DomainError('INVALID_INPUT', `${name} is an empty list: leave it out, or name what to pack`);
    const children = serials.length + childSsccs.length;
    if (children === 0) throw new DomainError('INVALID_INPUT', 'nothing to pack: give unitSerials (with their gtin) or childSsccs');
    if (children > MAX_CHILDREN_PER_PACKING) {
      const most = MAX_CHILDREN_PER_PACKING.toLocaleString('en');
      throw new DomainError(
        'INVALID_INPUT',
        `unitSerials and childSsccs: a package takes at most ${most} children per packUnits call, got ${children.toLocaleString('en')}`,
      );
    }
    let gtin: string | null = null;
    if (serials.length > 0 || input.gtin != null) {
      if (input.gtin == null) throw new DomainError('INVALID_INPUT', 'unitSerials are serials of one GTIN: give gtin too');
      gtin = normalizeGtin(input.gtin);
      if (!gtin)
        throw new DomainError(
          'INVALID_GTIN',
          `gtin ${JSON.stringify(input.gtin.slice(0, 40))} is not a valid GTIN (8, 12, 13 or 14 digits with its check digit)`,
        );
      if (serials.length === 0) throw new DomainError('INVALID_INPUT', `gtin ${gtin} is given without unitSerials`);
    }
    for (const [i, serial] of serials.entries()) {
      const problem = serialProblem(serial);
      if (problem) throw new DomainError('INVALID_SERIAL', `unitSerials[${i}]: ${problem}`);
    }
    for (const [i, child] of childSsccs.entries()) checkSscc(child, `childSsccs[${i}]`);
    const twice = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
    const repeated = [...new Set([...twice(serials), ...twice(childSsccs)])];
    if (repeated.length > 0) throw new DomainError('INVALID_INPUT', `named more than once: ${named(repeated)}`);
    if (input.sscc != null && childSsccs.includes(input.sscc)) throw new DomainError('INVALID_INPUT', `package ${input.sscc} cannot be packed into itself`);
    return { sscc: input.sscc ?? null, gtin, serials, childSsccs };
  }

  private async checkFacility(tx: Tx, org: OrganizationCaller, facilityId: string): Promise<void> {
    const owner = await this.packages.facilityOwner(tx, facilityId);
    if (!owner) throw new DomainError('FACILITY_NOT_FOUND', `facilityId: no facility has id ${facilityId}`);
    if (owner !== org.organizationId) throw new DomainError('NOT_OWNER', `facilityId: facility ${facilityId} is not one of your facilities`);
  }

  /**
   * Every unit commissioned, in the caller's custody (its lot's, or the last package it was received in),
   * in no package now. Answers how many of them are of each lot, for the entry.
   */
  private async checkUnits(tx: Tx, org: OrganizationCaller, gtin: string, serials: string[]): Promise<LotUnits[]> {
    const units = await this.packages.unitsForPacking(tx, gtin, serials);
    const missing = units.filter((u) => !u.exists).map((u) => u.serial);
    if (missing.length > 0) throw new DomainError('UNIT_NOT_FOUND', `no unit of GTIN ${gtin} has serial ${named(missing)}`);
    const notHeld = units.filter((u) => u.custodianId !== org.organizationId);
    if (notHeld.length > 0) {
      // A distributor repacks what it holds, whoever's GTIN it is; what it does not hold is refused, and another's GTIN named as such.
      if (notHeld.some((u) => u.gtinOwnerId !== org.organizationId))
        throw new DomainError(
          'FOREIGN_GTIN',
          `GTIN ${gtin} is another organization's, and unit(s) ${named(notHeld.map((u) => u.serial))} of it are not in your custody`,
        );
      throw new DomainError('NOT_IN_CUSTODY', `unit(s) ${named(notHeld.map((u) => u.serial))} of GTIN ${gtin} are in another organization's custody`);
    }
    const inTransit = units.filter((u) => u.lotInTransit);
    if (inTransit.length > 0)
      throw new DomainError('BATCH_IN_TRANSIT', `unit(s) ${named(inTransit.map((u) => u.serial))} are of lot ${inTransit[0].lotCode}, which is in transit`);
    const sold = units.filter((u) => u.soldSeq !== null);
    if (sold.length > 0)
      throw new DomainError(
        'UNIT_ALREADY_SOLD',
        `unit(s) ${named(sold.map((u) => u.serial))} of GTIN ${gtin} were sold (ledger entry ${sold[0].soldSeq}): a sold unit is not packed`,
      );
    const packed = units.filter((u) => u.packedIn !== null);
    if (packed.length > 0)
      throw new DomainError(
        'ALREADY_PACKED',
        `unit(s) ${named(packed.map((u) => u.serial))} of GTIN ${gtin} are already in package ${packed[0].packedIn}; unpack it first`,
      );
    const byLot = new Map<string, number>();
    for (const u of units) byLot.set(u.batchId!, (byLot.get(u.batchId!) ?? 0) + 1);
    return [...byLot].sort(([a], [b]) => (a < b ? -1 : 1)).map(([batchId, count]) => ({ batchId, units: count }));
  }

  /** Every child package exists, is the caller's, is at rest (not shipped, not emptied) and in no other package. */
  private async checkChildren(tx: Tx, org: OrganizationCaller, childSsccs: string[]): Promise<void> {
    if (childSsccs.length === 0) return;
    const found = await this.packages.findPackages(tx, childSsccs);
    for (const sscc of childSsccs) {
      const child = found.get(sscc);
      if (!child) throw new DomainError('PACKAGE_NOT_FOUND', `childSsccs: no package has SSCC ${sscc}`);
      if (child.custodianId !== org.organizationId) throw new DomainError('NOT_IN_CUSTODY', `package ${sscc} is in another organization's custody`);
      if (child.status === 'IN_TRANSIT') throw new DomainError('PACKAGE_IN_TRANSIT', `package ${sscc} is in transit; it must be received first`);
      if (child.status === 'UNPACKED') throw new DomainError('NOT_PACKED', `package ${sscc} was unpacked: an emptied SSCC is not used again`);
      if (child.parentSscc) throw new DomainError('ALREADY_PACKED', `package ${sscc} is already in package ${child.parentSscc}; unpack it first`);
    }
  }

  /** A given SSCC: of the caller's prefix when it has one (without one, any valid SSCC: see README "Packages"), and never used. */
  private async checkGivenSscc(tx: Tx, sscc: string, prefix: string | null): Promise<string> {
    if (prefix && !ssccHasPrefix(sscc, prefix))
      throw new DomainError('INVALID_SSCC', `sscc ${sscc} is not of your GS1 company prefix ${prefix} (digits 2 to ${prefix.length + 1})`);
    if (await this.packages.ssccTaken(tx, sscc)) throw new DomainError('SSCC_TAKEN', `SSCC ${sscc} already names a package; SSCCs are not reused`);
    return sscc;
  }

  /** The caller's next SSCC from its prefix, skipping any it gave by hand. */
  private async mintSscc(tx: Tx, organizationId: string, prefix: string | null): Promise<string> {
    if (!prefix)
      throw new DomainError(
        'NO_GS1_COMPANY_PREFIX',
        'no sscc was given and your organization has no GS1 company prefix to make one from; give an sscc, or ask the admin to set your prefix',
      );
    for (;;) {
      const n = await this.packages.takeSsccNumber(tx, organizationId);
      const sscc = nthSscc(prefix, n);
      if (!sscc)
        throw new DomainError(
          'INVALID_SSCC',
          `GS1 company prefix ${prefix} has no SSCCs left (${ssccCapacity(prefix).toLocaleString('en')} used); give an sscc`,
        );
      if (!(await this.packages.ssccTaken(tx, sscc))) return sscc;
    }
  }

  /** A package the caller holds; another organization's is refused as not in its custody, whatever its state. */
  private async heldPackage(tx: Tx, org: OrganizationCaller, sscc: string): Promise<StoredPackage> {
    const pkg = await this.packages.findPackage(tx, sscc);
    if (!pkg) throw new DomainError('PACKAGE_NOT_FOUND', `no package has SSCC ${sscc}`);
    if (pkg.custodianId !== org.organizationId) throw new DomainError('NOT_IN_CUSTODY', `package ${sscc} is not in your custody`);
    if (pkg.status === 'IN_TRANSIT') throw new DomainError('PACKAGE_IN_TRANSIT', `package ${sscc} is in transit to organization ${pkg.inTransitToId}`);
    if (pkg.parentSscc) throw new DomainError('PACKAGE_NESTED', `package ${sscc} is inside package ${pkg.parentSscc}; unpack that one first`);
    return pkg;
  }
}

/** An event's time as the ledger writes it: now when not given; not in the future (a clock may run CLOCK_SKEW_MS ahead). */
function checkEventTime(eventTime: Date | null | undefined): string {
  const at = eventTime ?? new Date();
  if (at.getTime() > Date.now() + CLOCK_SKEW_MS)
    throw new DomainError(
      'INVALID_INPUT',
      `eventTime ${at.toISOString()} is in the future (more than ${CLOCK_SKEW_MS / 60000} minutes ahead of the server's clock)`,
    );
  return at.toISOString();
}

function checkSscc(sscc: string, where: string): void {
  const problem = ssccProblem(sscc);
  if (problem) throw new DomainError('INVALID_SSCC', `${where}: ${problem}`);
}

/** Unpacking takes every direct child out: a list naming fewer, or others, is refused, naming what differs. */
function checkNamedChildren(sscc: string, children: DirectChildren, given: DirectChildren): void {
  const keys = (c: DirectChildren) => [...c.units.flatMap((u) => u.serials.map((s) => `unit ${u.gtin}/${s}`)), ...c.childSsccs.map((p) => `package ${p}`)];
  const inside = new Set(keys(children));
  const asked = new Set(keys(given));
  const notInside = [...asked].filter((k) => !inside.has(k));
  if (notInside.length > 0) throw new DomainError('NOT_PACKED', `package ${sscc} does not hold ${named(notInside)}: nothing is unpacked`);
  const left = [...inside].filter((k) => !asked.has(k));
  if (left.length > 0)
    throw new DomainError(
      'PARTIAL_UNPACK',
      `package ${sscc} also holds ${named(left)}: unpacking takes out all of a package's children; name them all, or none`,
    );
}

const lotUnits = (lots: LotInPackage[]): LotUnits[] => lots.map((l) => ({ batchId: l.batchId, units: l.units }));
