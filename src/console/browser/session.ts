import type { OrganizationKind } from '../../organizations/organization-kind.js';

/** Who is signed in, as `viewer` answered for the key. */
export interface Viewer {
  organization: { id: string; name: string; kind: OrganizationKind; uscc: string | null; gs1CompanyPrefix: string | null } | null;
}

export const VIEWER_QUERY = '{ viewer { organization { id name kind uscc gs1CompanyPrefix } } }';

let current: Viewer | null = null;
export const viewer = (): Viewer | null => current;
export const setViewer = (v: Viewer | null): void => {
  current = v;
};
