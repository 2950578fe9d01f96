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
  | 'holderRecalls'
  | 'find'
  | 'recalls'
  | 'held'
  | 'excursions'
  | 'ledger'
  | 'keys'
  | 'organizations'
  | 'certificates'
  | 'exports'
  | 'webhooks'
  | 'failedInspections'
  | 'packages'
  | 'unitLookup';

/** Who holds goods and records their events (the custodians). */
const HOLDERS: readonly OrganizationKind[] = ['PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER'];

/** What an organization of this kind (null: the admin key) may use. */
export function screensFor(kind: OrganizationKind | null): Screen[] {
  if (kind === null) return ['home', 'organizations', 'held', 'failedInspections', 'excursions', 'ledger', 'exports'];
  const screens: Screen[] = ['home'];
  if (HOLDERS.includes(kind)) screens.push('batches');
  // Makers register lots, and make new lots of their own products from the lots they hold.
  if (MAKERS.includes(kind)) screens.push('registerBatch', 'transform');
  // Every holder registers its facilities; makers their products too.
  if (HOLDERS.includes(kind)) screens.push('catalog', 'receive');
  // Holders follow the recalls that reach their lots (viewer.recalls) and report what they recovered.
  if (HOLDERS.includes(kind)) screens.push('holderRecalls');
  // Holders pack, ship and receive packages of serialized units; they and regulators look a unit up (unit() is public).
  if (HOLDERS.includes(kind)) screens.push('packages', 'unitLookup');
  // Labs find the lot they sample (batches by one lot's filter) and list the failures they recorded (inspections).
  if (kind === 'REGULATOR' || kind === 'LAB') screens.push('find');
  if (kind === 'REGULATOR') screens.push('recalls', 'held', 'failedInspections', 'excursions', 'ledger', 'unitLookup');
  if (kind === 'LAB') screens.push('failedInspections');
  // Regulators and certification bodies attest certificates; every organization exports what it may and has a recall webhook.
  if (kind === 'REGULATOR' || kind === 'CERTIFIER') screens.push('certificates');
  screens.push('exports', 'webhooks');
  screens.push('keys');
  return screens;
}
