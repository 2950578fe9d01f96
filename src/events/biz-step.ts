export const BIZ_STEPS = [
  'COMMISSIONING',
  'HARVESTING',
  'COOLING',
  'PACKING',
  'SHIPPING',
  'RECEIVING',
  'STORING',
  'TRANSFORMING',
  'INSPECTING',
  'RETAIL_SELLING',
  'RECALLING',
  'DESTROYING',
] as const;
export type BizStep = (typeof BIZ_STEPS)[number];
