export const BATCH_STATUSES = ['ACTIVE', 'IN_TRANSIT', 'ON_HOLD', 'RECALLED', 'CONSUMED', 'DESTROYED'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
