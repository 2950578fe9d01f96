/**
 * What an organization is. A CERTIFIER is a certification body (认证机构, e.g. an organic or green-food
 * certifier): it makes nothing and holds nothing; it attests certificates, as a REGULATOR may.
 */
export const ORGANIZATION_KINDS = ['PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER', 'REGULATOR', 'LAB', 'CERTIFIER'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];
