export const PRODUCT_CATEGORIES = ['GRAIN', 'DAIRY', 'INFANT_FORMULA', 'FRUIT', 'VEGETABLE', 'MEAT', 'AQUATIC', 'CONDIMENT', 'OTHER'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export const STORAGE_CONDITIONS = ['AMBIENT', 'CHILLED', 'FROZEN'] as const;
export type StorageCondition = (typeof STORAGE_CONDITIONS)[number];
