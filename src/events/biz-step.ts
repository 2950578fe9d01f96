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

/** Each step's name for people: Chinese, English. */
export const BIZ_STEP_NAMES: Record<BizStep, [string, string]> = {
  COMMISSIONING: ['登记', 'Registered'],
  HARVESTING: ['收获', 'Harvested'],
  COOLING: ['预冷', 'Cooled'],
  PACKING: ['包装', 'Packed'],
  SHIPPING: ['发货', 'Shipped'],
  RECEIVING: ['收货', 'Received'],
  STORING: ['储存', 'Stored'],
  TRANSFORMING: ['加工', 'Processed'],
  INSPECTING: ['抽检', 'Inspected'],
  RETAIL_SELLING: ['销售', 'Sold'],
  RECALLING: ['召回', 'Recalled'],
  DESTROYING: ['销毁', 'Destroyed'],
};
