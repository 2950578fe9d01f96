import type { PageProof } from '../page-proof.js';
import { bytesOfHex, equalBytes } from './bytes.js';
import { checkPageProof } from './page-proof-check.js';
import { rootFromInclusion, Subtle, webLeafHash } from './proof-bundle-check.js';

/** GET /u/<GTIN>/<serial>/proof.json, as the phone reads it (docs/ledger-format.md §8). */
export interface UnitProof {
  format: string;
  gtin: string;
  serial: string;
  leafIndex: number;
  treeSize: number;
  path: string[];
  /** The UNITS_COMMISSIONED entry as a page proof of one entry (§7): opened members, inclusion, signed checkpoint. */
  entryProof: PageProof;
}

export type UnitVerdict = { ok: true } | { ok: false; zh: string; en: string };

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The phone's check that the page's serial was commissioned in its lot: the commissioning entry proven in
 * the signed ledger, of the lot whose own registration the page proof proved, of the page's GTIN; and the
 * serial's inclusion path folded from SHA-256(0x00 ‖ serial) to the root that entry commits to. No DOM here.
 */
export async function checkUnitProof(proof: UnitProof, subtle: Subtle, page: { gtin: string; serial: string; lotBatchId: string }): Promise<UnitVerdict> {
  const fail = (zh: string, en: string): UnitVerdict => ({ ok: false, zh, en });
  if (proof?.format !== 'suyuan-unit-proof/1') return fail('单品证明的格式不对', 'the unit proof is not in a format this page knows');
  if (proof.gtin !== page.gtin || proof.serial !== page.serial) return fail('单品证明说的是另一个单品', 'the unit proof is of another unit');
  const verdict = await checkPageProof(proof.entryProof, subtle);
  if (!verdict.verified) return fail(verdict.zh, verdict.en);
  if (verdict.note) return fail(verdict.note.zh, verdict.note.en);
  const entry = verdict.entries.find((e) => e.type === 'UNITS_COMMISSIONED');
  const values = entry?.values as { gtin?: unknown; count?: unknown; serialsRoot?: unknown } | null | undefined;
  if (!entry || !values) return fail('证明中没有赋码记录', 'the proof holds no commissioning entry');
  if (entry.batchId !== page.lotBatchId) return fail('赋码记录不属于本批次', 'the commissioning entry is not of this lot');
  if (values.gtin !== page.gtin) return fail('赋码记录的 GTIN 不是本产品的', 'the commissioning entry is of another GTIN');
  const count = values.count;
  const root = values.serialsRoot;
  if (typeof count !== 'number' || proof.treeSize !== count || typeof root !== 'string' || !HEX64.test(root)) {
    return fail('单品证明与赋码记录不符', 'the unit proof does not match the commissioning entry');
  }
  if (!Array.isArray(proof.path) || !proof.path.every((node) => typeof node === 'string' && HEX64.test(node)) || !Number.isSafeInteger(proof.leafIndex)) {
    return fail('序列号证明的格式不对', "the serial's proof is malformed");
  }
  const leaf = await webLeafHash(subtle, new TextEncoder().encode(page.serial));
  const folded = await rootFromInclusion(subtle, leaf, proof.leafIndex, count, proof.path.map(bytesOfHex));
  if (!folded || !equalBytes(folded, bytesOfHex(root)))
    return fail('序列号不在该赋码记录中', 'the serial is not among those the commissioning entry commits to');
  return { ok: true };
}
