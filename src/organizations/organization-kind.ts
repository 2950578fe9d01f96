export const ORGANIZATION_KINDS = ['PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER', 'REGULATOR', 'LAB'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];
