import { registerEnumType } from '@nestjs/graphql';
import { BATCH_STATUSES } from '../batches/batch-status.js';
import { BIZ_STEPS } from '../events/biz-step.js';
import { ORGANIZATION_KINDS } from '../organizations/organization-kind.js';
import { PRODUCT_CATEGORIES, STORAGE_CONDITIONS } from '../products/product-kinds.js';
import { COLD_CHAIN_STATUSES } from '../batches/cold-chain-status.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const OrganizationKindEnum = asEnum(ORGANIZATION_KINDS);
export const ProductCategoryEnum = asEnum(PRODUCT_CATEGORIES);
export const StorageConditionEnum = asEnum(STORAGE_CONDITIONS);
export const BatchStatusEnum = asEnum(BATCH_STATUSES);
export const BizStepEnum = asEnum(BIZ_STEPS);
export const ColdChainStatusEnum = asEnum(COLD_CHAIN_STATUSES);
export const InspectionVerdictEnum = asEnum(['PASS', 'FAIL'] as const);
/** 食品召回管理办法 levels: LEVEL_1 serious harm (24 h / 10 working days), LEVEL_2 (48 h / 20), LEVEL_3 labelling (72 h / 30). */
export const RecallLevelEnum = asEnum(['LEVEL_1', 'LEVEL_2', 'LEVEL_3'] as const);
export const RecallStatusEnum = asEnum(['OPEN', 'CLOSED'] as const);
export const TraceDirectionEnum = asEnum(['UPSTREAM', 'DOWNSTREAM'] as const);

registerEnumType(OrganizationKindEnum, { name: 'OrganizationKind' });
registerEnumType(ProductCategoryEnum, { name: 'ProductCategory' });
registerEnumType(StorageConditionEnum, { name: 'StorageCondition' });
registerEnumType(BatchStatusEnum, { name: 'BatchStatus' });
registerEnumType(BizStepEnum, { name: 'BizStep', description: 'Aligned with GS1 CBV 2.0 business steps where one exists.' });
registerEnumType(ColdChainStatusEnum, { name: 'ColdChainStatus' });
registerEnumType(InspectionVerdictEnum, { name: 'InspectionVerdict' });
registerEnumType(RecallLevelEnum, { name: 'RecallLevel' });
registerEnumType(RecallStatusEnum, { name: 'RecallStatus' });
registerEnumType(TraceDirectionEnum, { name: 'TraceDirection' });
