import { BIZ_STEP_NAMES, type BizStep } from '../../events/biz-step.js';
import { WORDS } from './words.js';

/** The console's words: Chinese by default, English on request; the choice is kept for the tab (sessionStorage). */
export type Lang = 'zh' | 'en';
const LANG_KEY = 'suyuan.console.lang';

export type Word = keyof typeof WORDS;

/** Names of enum values and key data elements; anything not named here is shown as the API names it. */
const NAMES: Record<string, readonly [string, string]> = {
  PRODUCER: ['生产者', 'Producer'],
  PROCESSOR: ['加工企业', 'Processor'],
  LOGISTICS: ['物流企业', 'Logistics'],
  RETAILER: ['零售商', 'Retailer'],
  LAB: ['检测机构', 'Lab'],
  REGULATOR: ['监管部门', 'Regulator'],
  CERTIFIER: ['认证机构', 'Certifier'],
  ACTIVE: ['正常', 'Active'],
  IN_TRANSIT: ['运输中', 'In transit'],
  ON_HOLD: ['暂扣', 'On hold'],
  RECALLED: ['已召回', 'Recalled'],
  CONSUMED: ['已用完', 'Consumed'],
  DESTROYED: ['已销毁', 'Destroyed'],
  OK: ['正常', 'OK'],
  EXCURSION: ['温度超标', 'Excursion'],
  NO_DATA: ['暂无数据', 'No data'],
  NOT_APPLICABLE: ['常温', 'Not applicable'],
  LEVEL_1: ['一级', 'Level 1'],
  LEVEL_2: ['二级', 'Level 2'],
  LEVEL_3: ['三级', 'Level 3'],
  OPEN: ['进行中', 'Open'],
  PASS: ['合格', 'Pass'],
  GRAIN: ['粮食', 'Grain'],
  DAIRY: ['乳制品', 'Dairy'],
  INFANT_FORMULA: ['婴幼儿配方食品', 'Infant formula'],
  FRUIT: ['水果', 'Fruit'],
  VEGETABLE: ['蔬菜', 'Vegetable'],
  MEAT: ['肉类', 'Meat'],
  AQUATIC: ['水产品', 'Aquatic'],
  CONDIMENT: ['调味品', 'Condiment'],
  OTHER: ['其他', 'Other'],
  AMBIENT: ['常温', 'Ambient'],
  CHILLED: ['冷藏', 'Chilled'],
  FROZEN: ['冷冻', 'Frozen'],
  FAIL: ['不合格', 'Fail'],
  CLOSED: ['已结束', 'Closed'],
  BATCH_REGISTERED: ['批次登记', 'Batch registered'],
  fieldName: ['地块名称', 'Field name'],
  harvestDate: ['收获日期', 'Harvest date'],
  coolingDate: ['预冷日期', 'Cooling date'],
  lotCode: ['包装批号', 'Lot code'],
  shipToLocation: ['收货地点', 'Ship-to location'],
  referenceDocumentType: ['单据类型', 'Reference document type'],
  referenceDocumentNumber: ['单据编号', 'Reference document number'],
};

export function lang(): Lang {
  return sessionStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

export function setLang(next: Lang): void {
  sessionStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

export function t(word: Word, ...args: (string | number)[]): string {
  const text: string = WORDS[word][lang() === 'zh' ? 0 : 1];
  return text.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

/** An enum value or key data element in words (the step names are the consumer page's own). */
export function nameOf(value: string): string {
  const i = lang() === 'zh' ? 0 : 1;
  if (Object.hasOwn(BIZ_STEP_NAMES, value)) return BIZ_STEP_NAMES[value as BizStep][i];
  return Object.hasOwn(NAMES, value) ? NAMES[value][i] : value;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
