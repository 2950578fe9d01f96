import { MAKERS } from '../../auth/caller.js';
import type { OrganizationKind } from '../../organizations/organization-kind.js';

/** The console's screens; each is shown in the navigation only to the kinds of organization the API lets do it. */
export type Screen =
  | 'home'
  | 'batches'
  | 'registerBatch'
  | 'transform'
  | 'catalog'
  | 'receive'
  | 'find'
  | 'recalls'
  | 'held'
  | 'excursions'
  | 'ledger'
  | 'keys'
  | 'organizations'
  | 'packages'
  | 'unitLookup';

/** Who holds goods and records their events (the custodians). */
const HOLDERS: readonly OrganizationKind[] = ['PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER'];

/** What an organization of this kind (null: the admin key) may use. */
export function screensFor(kind: OrganizationKind | null): Screen[] {
  if (kind === null) return ['home', 'organizations', 'held', 'excursions', 'ledger'];
  const screens: Screen[] = ['home'];
  if (HOLDERS.includes(kind)) screens.push('batches');
  // Makers register lots, and make new lots of their own products from the lots they hold.
  if (MAKERS.includes(kind)) screens.push('registerBatch', 'transform');
  // Every holder registers its facilities; makers their products too.
  if (HOLDERS.includes(kind)) screens.push('catalog', 'receive');
  // Holders pack, ship and receive packages of serialized units; they and regulators look a unit up (unit() is public).
  if (HOLDERS.includes(kind)) screens.push('packages', 'unitLookup');
  if (kind === 'REGULATOR') screens.push('find');
  if (kind === 'REGULATOR') screens.push('recalls', 'held', 'excursions', 'ledger', 'unitLookup');
  screens.push('keys');
  return screens;
}
