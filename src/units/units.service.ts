import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, OrganizationCaller, requireMaker, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { canonicalPath } from '../digital-link/digital-link-uri.js';
import { newEntry } from '../ledger/entry-types.js';
import { type DraftOptions, requestFingerprint } from '../ledger/ledger-entry.js';
import { AppendContext, LedgerWriter } from '../ledger/ledger-writer.js';
import type { Tx } from '../database/database.js';
import {
  CHECK_CODE_LENGTH,
  CHECK_HASH_BYTES,
  checkCodeHash,
  checkCodeHashes,
  normalizeCheckCode,
  sameHash,
  mintCheckCodes,
  openCodes,
  sealCodes,
  unitKeys,
  type UnitKeys,
} from './check-codes.js';
import { csvRow } from '../exports/csv.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { type CheckAnswer, correctAnswer, WRONG_ANSWER } from './check-answers.js';
import { BLOCK_SIZE, blockHashesOf, blocksNeeded, leafHashesOf, serialLeafHashes, serialProof, serialsRoot, serialsTree } from './serials-merkle.js';
import { LABELS_PER_PAGE, UnitLabelSheet, type UnitLabel } from './unit-label-sheet.js';
import {
  GIVEN_SERIAL_WIDTH,
  givenSerialsProblem,
  MAX_GIVEN_SERIALS,
  mintSerials,
  packSerials,
  SERIAL_LENGTH,
  serialOrder,
  serialProblem,
  unpackSerials,
} from './unit-serials.js';
import { normalizeGtin } from '../products/gtin.js';
import type { BizStep } from '../events/biz-step.js';
import { type Commissioning, type StoredUnit, type UnitChunk, type UnitEventRow, UnitsRepository } from './units.repository.js';

export const MAX_UNITS_PER_COMMISSIONING = 1_000_000;
/** Wrong check codes a unit takes in a window before its checks wait: 10 a day against 2^50 codes. */
export const WRONG_CHECKS_PER_UNIT = 10;
export const WRONG_CHECKS_WINDOW_MS = 24 * 3_600_000;
/** Checks one client address may make a minute (on top of the public rate limit): a shop scanning shelves, not a guessing script. */
export const CHECKS_PER_ADDRESS_PER_MINUTE = 30;
/** Compared against when there is no unit, so an unknown serial costs what a wrong code does. */
const NO_UNIT_HASH = Buffer.alloc(CHECK_HASH_BYTES);
/** Rows read and sent at a time by a download. */
const DOWNLOAD_CHUNK = 10_000;
/**
 * Labels one PDF holds: 417 A4 sheets of 24. A sheet is about 1.8 MB and 1.8–5.5 s of one core per 1,000 labels
 * (`npm run bench:units` at load 8, docs/benchmarks.md): 18 MB here, 1.8 GB for a million. Longer runs are
 * printed by label-printer software from the CSV, or on sheets from commissionings of up to this many.
 */
export const MAX_LABELS_PER_SHEET = 10_000;
/** Serials a label sheet reads at a time: 100 pages' worth. */
const SHEET_CHUNK = 100 * LABELS_PER_PAGE;
/** Units a statement inserts: 48 blocks of the serials tree (49,152 units, 800 KB of serials and hashes), one round trip. */
const INSERT_CHUNK = 48 * BLOCK_SIZE;

/** A unit found by GTIN and serial, with its Digital Link URI. */
export type FoundUnit = StoredUnit & { gtin: string; serial: string; digitalLink: string };

export interface UnitsDownload {
  commissioning: Commissioning;
  withCodes: boolean;
  rows: AsyncGenerator<string>;
}

/** An event that named a unit, as unit() and the unit's page show it. */
export type UnitEvent = Omit<UnitEventRow, 'bizStep'> & { bizStep: BizStep };

export interface UnitsSheetDownload {
  commissioning: Commissioning;
  withCodes: boolean;
  pdf: AsyncGenerator<Buffer>;
  /**
   * Frees the organization's turn: called by the PDF's generator once its last page is drawn (before the
   * response ends, so a client asking again at once is not refused), and once the download is over in any case.
   */
  finished(): void;
}

/** What commissionUnits answers: the commissioning and the seq of its entry. */
export type CommissioningResult = Commissioning;

@Injectable()
export class UnitsService {
  private readonly logger = new Logger('UnitsService');
  readonly keys: UnitKeys;
  /** Off where the public rate limit is off (RATE_LIMIT_PUBLIC=0: a trusted network, or a test of something else). */
  private readonly checkLimiter: RateLimiter | null;
  /** Organizations a label sheet is being drawn for, in this process (one at a time each), with that sheet's token. */
  private readonly drawingSheets = new Map<string, symbol>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: LedgerWriter,
    private readonly units: UnitsRepository,
  ) {
    this.keys = unitKeys(config.unitSecret);
    this.checkLimiter = config.rateLimitPublic > 0 ? new RateLimiter(Math.min(CHECKS_PER_ADDRESS_PER_MINUTE, config.rateLimitPublic)) : null;
  }

  /**
   * The batch's producer commissions `count` units of it: serials and check codes minted, the units
   * written (outside the ledger's lock, not yet visible), then ONE UNITS_COMMISSIONED entry committing to
   * the count and the serials' root, which makes them visible. A refused entry takes the units away again.
   */
  async commission(
    caller: Caller,
    input: { batchId: string; count: number; serials?: readonly string[] | null; idempotencyKey?: string | null },
  ): Promise<CommissioningResult> {
    const org = requireMaker(caller, 'commissionUnits');
    const { batchId, count } = input;
    const given = input.serials ?? null;
    if (!Number.isInteger(count) || count < 1 || count > MAX_UNITS_PER_COMMISSIONING) {
      throw new DomainError('INVALID_INPUT', `count must be a whole number from 1 to ${MAX_UNITS_PER_COMMISSIONING.toLocaleString('en')}, got ${count}`);
    }
    if (given) {
      if (given.length !== count)
        throw new DomainError('INVALID_INPUT', `count (${count}) must be the number of serials given (${given.length}): one unit per serial`);
      checkGivenSerials(given);
    }
    const gtin = await this.gtinOfOwnLot(org, batchId);

    const requestHash = requestFingerprint('commissionUnits', given ? { batchId, count, serials: given } : { batchId, count });
    const key = input.idempotencyKey ?? null;
    // A repeated request answers with its first commissioning before a single unit is minted (the writer checks again, under its lock).
    const earlier = key ? await this.units.findByIdempotencyKey(org.organizationId, key) : null;
    if (earlier) {
      const first = earlier.requestHash === requestHash ? await this.units.findCommissioningBySeq(earlier.entrySeq) : null;
      if (!first)
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was already used for a different request (entry ${earlier.entrySeq})`);
      return first;
    }
    const id = randomUUID();
    const root = given ? await this.writeGivenUnits(id, batchId, gtin, given) : await this.writeUnits(id, batchId, gtin, count);
    // A refused entry (another request with the same key got in first, the database went away) leaves its units
    // written but invisible: nothing reads a commissioning without its entry, and the service deletes nothing.
    const seq = await this.writer.execute({
      actor: org.organizationId,
      batchIds: [batchId],
      idempotencyKeys: key ? [key] : [],
      run: async (ctx) => {
        const earlier = key ? ctx.prior(key, requestHash) : undefined;
        if (earlier) return earlier.seq;
        return this.appendCommissioning(ctx, { id, batchId, gtin, count, root }, { idempotencyKey: key, requestHash });
      },
    });
    const commissioning = await this.units.findCommissioningBySeq(seq);
    // The key's earlier use (a race lost to another request under the lock) was not a commissioning.
    if (!commissioning) throw new DomainError('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was already used for a different request (entry ${seq})`);
    return commissioning;
  }

  /**
   * Inside another ledger command (an EPCIS capture's commissioning ObjectEvent): commissions the
   * serials named as `commission` does, with one UNITS_COMMISSIONED entry, the units written in the
   * command's transaction (a capture names at most a few thousand). Answers the entry's seq.
   */
  async commissionInContext(ctx: AppendContext, org: OrganizationCaller, batchId: string, serials: readonly string[]): Promise<number> {
    requireMaker(org, 'commissioning units');
    checkGivenSerials(serials);
    const gtin = await this.gtinOfOwnLot(org, batchId, ctx.tx);
    const id = randomUUID();
    const root = await this.writeGivenUnits(id, batchId, gtin, serials, ctx.tx);
    return this.appendCommissioning(ctx, { id, batchId, gtin, count: serials.length, root });
  }

  /** The commissioning's one UNITS_COMMISSIONED entry, committing to its count and serials' root: it makes the units visible. */
  private async appendCommissioning(
    ctx: AppendContext,
    c: { id: string; batchId: string; gtin: string; count: number; root: Buffer },
    options?: DraftOptions,
  ): Promise<number> {
    const [entry] = await ctx.append([
      newEntry('UNITS_COMMISSIONED', c.batchId, { commissioningId: c.id, gtin: c.gtin, count: c.count, serialsRoot: c.root.toString('hex') }, options),
    ]);
    await this.units.finishInTx(ctx.tx, c.id, entry.seq);
    return entry.seq;
  }

  /** The GTIN of a lot the organization produced: what commissioning its units needs. */
  private async gtinOfOwnLot(org: OrganizationCaller, batchId: string, tx?: Tx): Promise<string> {
    const batch = await this.units.findBatch(batchId, tx);
    if (!batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${batchId}`);
    if (batch.producerId !== org.organizationId) throw new DomainError('NOT_OWNER', `batch ${batchId} was produced by another organization`);
    if (!batch.gtin)
      throw new DomainError('PRODUCT_WITHOUT_GTIN', `batch ${batchId} is of a product without a GTIN: serialized units are identified by GTIN and serial`);
    return batch.gtin;
  }

  /**
   * Mints and writes the units of a pending commissioning, answering their serials' root; a serial
   * another unit of the GTIN has (about 10^-12) means minting again. The units go in in serial order
   * (serialOrder: PostgreSQL's index fills page by page), each with its minted position; the serials tree
   * is built a chunk of blocks at a time beside them, so nothing is left to hash once the rows are in.
   */
  private async writeUnits(id: string, batchId: string, gtin: string, count: number): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      const serials = mintSerials(count);
      const codes = mintCheckCodes(count);
      const order = serialOrder(serials, count);
      const blockHashes = Buffer.alloc(Math.floor(count / BLOCK_SIZE) * 32);
      let lastLeaves: Buffer = Buffer.alloc(0);
      const keys = this.keys;
      // Computed chunk by chunk as the repository asks, so hashing overlaps the database's inserts.
      function* chunks(): Generator<UnitChunk> {
        for (let from = 0; from < count; from += INSERT_CHUNK) {
          const n = Math.min(INSERT_CHUNK, count - from);
          const positions = order.subarray(from, from + n);
          const chunkSerials = Buffer.allocUnsafe(n * SERIAL_LENGTH);
          const chunkCodes = Buffer.allocUnsafe(n * CHECK_CODE_LENGTH);
          for (let i = 0; i < n; i++) {
            serials.copy(chunkSerials, i * SERIAL_LENGTH, positions[i] * SERIAL_LENGTH, (positions[i] + 1) * SERIAL_LENGTH);
            codes.copy(chunkCodes, i * CHECK_CODE_LENGTH, positions[i] * CHECK_CODE_LENGTH, (positions[i] + 1) * CHECK_CODE_LENGTH);
          }
          // The tree's leaves go by minted position: this chunk's range of them, a whole number of blocks but for the last.
          const leaves = serialLeafHashes(serials.subarray(from * SERIAL_LENGTH, (from + n) * SERIAL_LENGTH), n);
          const full = blockHashesOf(leaves);
          full.copy(blockHashes, (from / BLOCK_SIZE) * 32);
          lastLeaves = leaves.subarray((full.length / 32) * BLOCK_SIZE * 32);
          yield { positions: Array.from(positions), serials: chunkSerials, checkHashes: checkCodeHashes(keys, gtin, chunkSerials, chunkCodes, n) };
        }
      }
      let root: Buffer | undefined;
      try {
        await this.units.insertPending(id, { batchId, gtin, count, serialWidth: SERIAL_LENGTH }, chunks(), () => {
          root = serialsRoot(count, blockHashes, Buffer.from(lastLeaves));
          return { serialsRoot: root, blockHashes, serials, sealedCodes: sealCodes(keys, id, codes) };
        });
        return root!;
      } catch (err) {
        if ((err as { code?: string }).code !== '23505' || attempt >= 3) throw err;
        this.logger.warn(`commissioning ${id}: a minted serial was taken; minting again`);
      }
    }
  }

  /**
   * Writes the units of a pending commissioning whose serials the producer named (in its order), with
   * check codes minted as for minted serials, answering the serials' root. A serial another unit of the
   * GTIN has is refused, naming it, and nothing is written (the insert's transaction is rolled back).
   */
  private async writeGivenUnits(id: string, batchId: string, gtin: string, serials: readonly string[], tx?: Tx): Promise<Buffer> {
    const taken = await this.units.takenSerial(gtin, serials, tx);
    if (taken) throw serialTaken(gtin, taken);
    const count = serials.length;
    const packed = packSerials(serials);
    const codes = mintCheckCodes(count);
    const keys = this.keys;
    function* chunks(): Generator<UnitChunk> {
      for (let from = 0; from < count; from += INSERT_CHUNK) {
        const n = Math.min(INSERT_CHUNK, count - from);
        const checkHashes = Buffer.concat(
          serials
            .slice(from, from + n)
            .map((serial, i) =>
              checkCodeHash(keys, gtin, serial, codes.toString('latin1', (from + i) * CHECK_CODE_LENGTH, (from + i + 1) * CHECK_CODE_LENGTH)),
            ),
        );
        // In the order given (given serials are few; minted ones go in in serial order for the index's sake).
        const positions = Array.from({ length: n }, (_, i) => from + i);
        yield { positions, serials: packed.subarray(from * GIVEN_SERIAL_WIDTH, (from + n) * GIVEN_SERIAL_WIDTH), checkHashes };
      }
    }
    const tree = serialsTree(leafHashesOf(serials));
    try {
      await this.units.insertPending(
        id,
        { batchId, gtin, count, serialWidth: GIVEN_SERIAL_WIDTH },
        chunks(),
        () => ({
          serialsRoot: tree.root,
          blockHashes: tree.blockHashes,
          serials: packed,
          sealedCodes: sealCodes(keys, id, codes),
        }),
        tx,
      );
    } catch (err) {
      // Another commissioning took one of them since the look-up above: named as the look-up would have.
      // In a capture's transaction the failed statement aborted it: the look-up would fail too.
      if ((err as { code?: string }).code !== '23505' || tx) throw err;
      throw serialTaken(gtin, (await this.units.takenSerial(gtin, serials)) ?? '(one of them)');
    }
    return tree.root;
  }

  /**
   * The producer's download of a commissioning: its rows in CSV order and, the first time only, the
   * check codes (claimed here; `codesDelivered` or `codesUndelivered` settles them when the download ends).
   */
  async download(caller: Caller, id: string): Promise<UnitsDownload> {
    const commissioning = await this.producersCommissioning(caller, id);
    const codes = await this.claimCodes(id);
    return { commissioning, withCodes: codes !== null, rows: this.csvRows(commissioning, codes) };
  }

  /**
   * The producer's A4 label sheet of a commissioning (src/units/unit-label-sheet.ts), as PDF bytes a few
   * pages at a time: the codes as the CSV gives them, once, to whichever download completes first. More than
   * MAX_LABELS_PER_SHEET units are refused before anything is claimed: that is a job for label-printer software and the CSV.
   * One sheet at a time per organization (LABEL_SHEET_BUSY, also before anything is claimed); `finished` frees its turn.
   */
  async labelSheet(caller: Caller, id: string): Promise<UnitsSheetDownload> {
    const commissioning = await this.producersCommissioning(caller, id);
    if (commissioning.count > MAX_LABELS_PER_SHEET) {
      throw new DomainError(
        'LABEL_SHEET_TOO_LARGE',
        `commissioning ${id} has ${commissioning.count.toLocaleString('en')} units; a label sheet PDF holds at most ` +
          `${MAX_LABELS_PER_SHEET.toLocaleString('en')} (${Math.ceil(MAX_LABELS_PER_SHEET / LABELS_PER_PAGE)} A4 pages): ` +
          `download /units/${id}.csv (serial, Digital Link URI, check code) for your label printer's software instead`,
      );
    }
    // Tens of seconds of a core for the largest: an organization's sheets are drawn one after another, not side by side.
    const org = commissioning.producerId;
    if (this.drawingSheets.has(org))
      throw new DomainError(
        'LABEL_SHEET_BUSY',
        'a label sheet of your organization is being drawn; download one sheet at a time, and try again when it is done',
      );
    const turn = Symbol(id);
    this.drawingSheets.set(org, turn);
    // Called twice (last page drawn, download over): the second call must not end a later sheet's turn.
    const finished = () => void (this.drawingSheets.get(org) === turn && this.drawingSheets.delete(org));
    try {
      const codes = await this.claimCodes(id);
      return { commissioning, withCodes: codes !== null, pdf: this.sheetPages(commissioning, codes, finished), finished };
    } catch (err) {
      finished();
      throw err;
    }
  }

  private async producersCommissioning(caller: Caller, id: string): Promise<Commissioning> {
    const org = requireOrganization(caller);
    const commissioning = await this.units.findCommissioning(id);
    if (!commissioning) throw new DomainError('COMMISSIONING_NOT_FOUND', `no commissioning of units has id ${id}`);
    if (commissioning.producerId !== org.organizationId) throw new DomainError('NOT_OWNER', `commissioning ${id} is of a batch another organization produced`);
    return commissioning;
  }

  /** The plaintext codes if no download has taken them (claimed atomically), and the download counted. */
  private async claimCodes(id: string): Promise<Buffer | null> {
    const sealed = await this.units.claimCodes(id);
    const codes = sealed ? openCodes(this.keys, id, sealed) : null;
    await this.units.countDownload(id);
    return codes;
  }

  /** The download that had the codes reached its end: they are deleted, and exist nowhere any more. */
  codesDelivered(id: string): Promise<void> {
    return this.units.dropCodes(id);
  }

  /** The download that had the codes broke off: the next download gets them. */
  codesUndelivered(id: string): Promise<void> {
    return this.units.releaseCodes(id);
  }

  /**
   * CSV text in pieces of DOWNLOAD_CHUNK rows, read a chunk at a time: a million rows are never one string.
   * Minted serials and codes are of the unit alphabet and the URI's values percent-encoded, so no field needs quoting.
   */
  private async *csvRows(c: Commissioning, codes: Buffer | null): AsyncGenerator<string> {
    yield csvRow(['serial', 'digital_link', codes ? 'check_code' : 'check_code (withheld: check codes are given only at the first download)']);
    const prefix = `${this.digitalLink(c.gtin, c.lotCode, '')}`;
    const minted = c.serialWidth === SERIAL_LENGTH;
    for (let from = 0; from < c.count; from += DOWNLOAD_CHUNK) {
      const serials = unpackSerials(await this.units.serialsSlice(c.id, from, DOWNLOAD_CHUNK, c.serialWidth), c.serialWidth);
      const parts: string[] = [];
      for (const [i, serial] of serials.entries()) {
        const code = codes ? codes.toString('latin1', (from + i) * CHECK_CODE_LENGTH, (from + i + 1) * CHECK_CODE_LENGTH) : '';
        // Given serials may hold set 82's punctuation (a comma, a quote, '/'): quoted and percent-encoded as any field and path segment.
        parts.push(minted ? `${serial},${prefix}${serial},${code}\r\n` : csvRow([serial, `${prefix}${encodeURIComponent(serial)}`, code]));
      }
      yield parts.join('');
    }
  }

  /** The sheet's PDF bytes, read SHEET_CHUNK serials at a time and handed on a page at a time (pdfkit writes each page as the next begins). */
  private async *sheetPages(c: Commissioning, codes: Buffer | null, drawn: () => void): AsyncGenerator<Buffer> {
    try {
      const sheet = new UnitLabelSheet({ productName: c.productName, gtin: c.gtin, lotCode: c.lotCode, commissioningId: c.id });
      const prefix = this.digitalLink(c.gtin, c.lotCode, '');
      for (let from = 0; from < c.count; from += SHEET_CHUNK) {
        // Minted (16 bytes) or given (20, padded) serials alike; a given one's link is percent-encoded.
        const serials = unpackSerials(await this.units.serialsSlice(c.id, from, SHEET_CHUNK, c.serialWidth), c.serialWidth);
        const n = serials.length;
        for (let first = 0; first < n; first += LABELS_PER_PAGE) {
          const labels: UnitLabel[] = [];
          for (let i = first; i < Math.min(n, first + LABELS_PER_PAGE); i++) {
            const serial = serials[i];
            const code = codes ? codes.toString('latin1', (from + i) * CHECK_CODE_LENGTH, (from + i + 1) * CHECK_CODE_LENGTH) : null;
            labels.push({ uri: `${prefix}${encodeURIComponent(serial)}`, serial, code });
          }
          // Drawn a row at a time: other requests, and the client's hanging up, are heard in between.
          await sheet.page(labels);
          yield sheet.take();
        }
      }
      yield await sheet.end();
    } finally {
      drawn();
    }
  }

  /**
   * A unit by GTIN and serial, for anyone: null when there is none. A GTIN or serial that cannot be one
   * (bad check digit, outside GS1 AI 21) is refused, naming it.
   */
  async find(gtinInput: string, serial: string): Promise<FoundUnit | null> {
    const gtin = normalizeGtin(gtinInput);
    if (!gtin)
      throw new DomainError('INVALID_GTIN', `gtin ${JSON.stringify(gtinInput.slice(0, 40))} is not a valid GTIN (8, 12, 13 or 14 digits with its check digit)`);
    const problem = serialProblem(serial);
    if (problem) throw new DomainError('INVALID_SERIAL', problem);
    const unit = await this.units.findUnit(gtin, serial);
    return unit && { ...unit, gtin, serial, digitalLink: this.digitalLink(gtin, unit.batch.lotCode, serial) };
  }

  /**
   * The events that named the unit, oldest first, and its sale among them. A sale is RETAIL_SELLING by
   * what it is (unit_sale) even when its entry's payload was erased; another erased event has no step to show.
   */
  async eventsOf(unit: { gtin: string; serial: string }): Promise<{ events: UnitEvent[]; sale: UnitEvent | null }> {
    const events = (await this.units.unitEvents(unit.gtin, unit.serial)).flatMap(({ sale, bizStep, ...e }) =>
      sale || bizStep ? [{ ...e, bizStep: sale ? ('RETAIL_SELLING' as const) : bizStep!, sale }] : [],
    );
    return { events, sale: events.find((e) => e.sale) ?? null };
  }

  /**
   * What proves the unit was commissioned: its serial's RFC 9162 inclusion path under the serials root
   * its UNITS_COMMISSIONED entry commits to (src/units/serials-merkle.ts), from two blocks of serials
   * and the stored block hashes: a few kilobytes read, whatever the commissioning's size.
   */
  async serialProofOf(unit: FoundUnit): Promise<Buffer[]> {
    const blocks = blocksNeeded(unit.position, unit.count);
    const blockLeaves = new Map<number, Buffer>();
    for (const block of blocks) {
      const from = block * BLOCK_SIZE;
      const serials = await this.units.serialsSlice(unit.commissioningId, from, Math.min(BLOCK_SIZE, unit.count - from), unit.serialWidth);
      blockLeaves.set(
        block,
        unit.serialWidth === SERIAL_LENGTH ? serialLeafHashes(serials, serials.length / SERIAL_LENGTH) : leafHashesOf(unpackSerials(serials, unit.serialWidth)),
      );
    }
    return serialProof(unit.position, { count: unit.count, blockHashes: unit.blockHashes, blockLeaves });
  }

  /**
   * A consumer checks a unit's code (public). Limits: CHECKS_PER_ADDRESS_PER_MINUTE per client address,
   * and at most WRONG_CHECKS_PER_UNIT wrong codes per unit in WRONG_CHECKS_WINDOW_MS, after which the
   * unit's checks wait (README "Serialized units" has the arithmetic). The hash is compared in constant
   * time, and an unknown serial is hashed and answered exactly as a wrong code is.
   */
  async check(gtinInput: string, serialInput: string, typedCode: string, address: string): Promise<CheckAnswer> {
    const wait = this.checkLimiter?.take(address, Date.now()) ?? 0;
    if (wait > 0) throw new DomainError('UNIT_CHECKS_LIMITED', `too many checks from your address; try again in ${wait} s`);
    const gtin = normalizeGtin(gtinInput);
    if (!gtin)
      throw new DomainError('INVALID_GTIN', `gtin ${JSON.stringify(gtinInput.slice(0, 40))} is not a valid GTIN (8, 12, 13 or 14 digits with its check digit)`);
    const problem = serialProblem(serialInput);
    if (problem) throw new DomainError('INVALID_SERIAL', problem);
    const code = normalizeCheckCode(typedCode);
    if (!code) throw new DomainError('INVALID_SERIAL', `checkCode must be the ${CHECK_CODE_LENGTH} letters and digits under the label's scratch panel`);
    const unit = await this.units.findUnit(gtin, serialInput);
    if (unit) {
      const checks = await this.units.checksOf(gtin, serialInput);
      if (checks && checks.wrong >= WRONG_CHECKS_PER_UNIT && checks.wrongSince && checks.wrongSince.getTime() > Date.now() - WRONG_CHECKS_WINDOW_MS) {
        const hours = Math.ceil((checks.wrongSince.getTime() + WRONG_CHECKS_WINDOW_MS - Date.now()) / 3_600_000);
        throw new DomainError(
          'UNIT_CHECKS_LIMITED',
          `this unit had ${WRONG_CHECKS_PER_UNIT} wrong check codes lately; its checks resume within ${hours} h (此单品近期错误查询过多，请稍后再试)`,
        );
      }
    }
    const given = checkCodeHash(this.keys, gtin, serialInput, code);
    const correct = sameHash(unit?.checkHash ?? NO_UNIT_HASH, given) && unit !== null;
    if (!correct) {
      if (unit) await this.units.recordWrongCheck(gtin, serialInput, WRONG_CHECKS_WINDOW_MS);
      return WRONG_ANSWER;
    }
    const { checks, firstCheckedAt } = await this.units.recordCorrectCheck(gtin, serialInput);
    return correctAnswer(checks, firstCheckedAt, this.config.exportTimeZone);
  }

  /** The unit's GS1 Digital Link URI, as the resolver reads it. */
  digitalLink(gtin: string, lotCode: string, serial: string): string {
    return `${this.config.publicBaseUrl}${canonicalPath({ gtin, lot: lotCode, serial })}`;
  }
}

function serialTaken(gtin: string, serial: string): DomainError {
  return new DomainError('SERIAL_TAKEN', `serial ${JSON.stringify(serial)} of GTIN ${gtin} was already commissioned; nothing was written`);
}

/** Serials a producer names: at most MAX_GIVEN_SERIALS, each within AI 21, none twice. */
function checkGivenSerials(serials: readonly string[]): void {
  if (serials.length > MAX_GIVEN_SERIALS)
    throw new DomainError('INVALID_INPUT', `serials: at most ${MAX_GIVEN_SERIALS.toLocaleString('en')} serials per call, got ${serials.length}`);
  const problem = givenSerialsProblem(serials);
  if (problem) throw new DomainError('INVALID_SERIAL', problem);
}
