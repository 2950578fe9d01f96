import { BIZ_STEP_NAMES, type BizStep } from '../../events/biz-step.js';

/** The console's words: Chinese by default, English on request; the choice is kept for the tab (sessionStorage). */
export type Lang = 'zh' | 'en';
const LANG_KEY = 'suyuan.console.lang';

const WORDS = {
  appName: ['溯源控制台', 'Suyuan console'],
  language: ['语言', 'Language'],
  switchLanguage: ['English', '中文'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  apiKey: ['API 密钥', 'API key'],
  apiKeyHelp: ['密钥只保存在本标签页中，关闭后即清除。', 'The key stays in this tab only and is gone when you close it.'],
  signingIn: ['正在登录…', 'Signing in…'],
  loading: ['正在加载…', 'Loading…'],
  saving: ['正在提交…', 'Saving…'],
  networkError: ['无法连接服务，请检查网络后重试。', 'The service could not be reached; check the network and try again.'],
  adminKey: ['管理员密钥（不属于任何组织）', 'Admin key (belongs to no organization)'],
  adminNothing: [
    '管理员功能（组织与密钥）尚未在控制台中提供，请使用 GraphQL API。',
    'Admin screens (organizations and keys) are not in the console yet: use the GraphQL API.',
  ],
  home: ['首页', 'Home'],
  organization: ['组织', 'Organization'],
  kind: ['类型', 'Kind'],
  uscc: ['统一社会信用代码', 'USCC'],
  youCan: ['您可以：', 'You can:'],
  batches: ['批次', 'Batches'],
  registerBatch: ['登记批次', 'Register a batch'],
  receive: ['收货', 'Receive a shipment'],
  find: ['查找批次', 'Find a lot'],
  recalls: ['召回', 'Recalls'],
  status: ['状态', 'Status'],
  allStatuses: ['全部状态', 'All statuses'],
  lotCode: ['批号', 'Lot code'],
  searchLot: ['按批号查找', 'Search by lot code'],
  search: ['查找', 'Search'],
  product: ['产品', 'Product'],
  facility: ['场所', 'Facility'],
  quantity: ['数量', 'Quantity'],
  unit: ['单位', 'Unit'],
  producedAt: ['生产时间', 'Produced at'],
  traceCode: ['追溯码', 'Trace code'],
  custodian: ['当前持有方', 'Custodian'],
  noBatches: ['没有符合条件的批次。', 'No batches match.'],
  more: ['加载更多', 'Load more'],
  registered: ['批次已登记。', 'The batch is registered.'],
  needProductFacility: [
    '请先通过 API 登记产品和场所（registerProduct、registerFacility）。',
    'Register a product and a facility first (registerProduct, registerFacility in the API).',
  ],
  submit: ['提交', 'Submit'],
  recordEvent: ['记录事件', 'Record an event'],
  step: ['环节', 'Step'],
  eventTime: ['事件时间', 'Event time'],
  destination: ['收货组织 ID', 'Receiving organization ID'],
  recordedWith: ['此环节通过 {0} 记录，不在此表单中。', 'This step is recorded with {0}, not with this form.'],
  eventRecorded: ['事件已记录（账本序号 {0}）。', 'The event is recorded (ledger entry {0}).'],
  story: ['批次档案', 'Batch story'],
  events: ['事件', 'Events'],
  printLabels: ['打印标签', 'Print labels'],
  labelsOpened: ['标签页已在新窗口打开；若被拦截，请点击：', 'The label sheet opened in a new window; if it was blocked, use:'],
  labelSheet: ['标签 PDF', 'Label sheet (PDF)'],
  verification: ['账本校验', 'Ledger check'],
  verified: ['已校验：{0} 条记录完整。', 'Verified: {0} entries intact.'],
  notVerified: ['校验失败：{0}', 'Check failed: {0}'],
  coldChain: ['冷链', 'Cold chain'],
  withheld: ['部分内容不向您显示：{0}', 'Not shown to you: {0}'],
  batchId: ['批次 ID', 'Batch ID'],
  receiveHelp: ['输入发货方告知的批次 ID（在其批次档案页可见）。', 'Enter the batch ID the shipper gave you (shown on its batch story page).'],
  received: ['已收货，批次现由您持有。', 'Received: the batch is now in your custody.'],
  findHelp: ['输入追溯码、GS1 数字链接（Digital Link），或 GTIN 与批号。', 'Enter a trace code, a GS1 Digital Link, or a GTIN and lot code.'],
  codeOrLink: ['追溯码或数字链接', 'Trace code or Digital Link'],
  gtin: ['GTIN', 'GTIN'],
  notFound: ['未找到批次。', 'No lot found.'],
  badLookup: [
    '无法识别：请输入 12 位追溯码、以 /01/<GTIN>/10/<批号> 结尾的链接，或 GTIN 与批号。',
    'Not recognised: enter a 12-character trace code, a link ending in /01/<GTIN>/10/<lot>, or a GTIN and a lot code.',
  ],
  trace: ['追溯', 'Trace'],
  upstream: ['上游（来源）', 'Upstream (sources)'],
  downstream: ['下游（去向）', 'Downstream (made from it)'],
  depth: ['层级', 'Depth'],
  massBalance: ['物料平衡', 'Mass balance'],
  yield: ['得率', 'Yield'],
  inputs: ['投入', 'Inputs'],
  outputs: ['产出', 'Outputs'],
  transform: ['加工转换', 'Transform lots'],
  nothingToTransform: [
    '没有可加工的批次或产品：需要您持有的正常批次和您登记的产品。',
    'Nothing to transform: it takes active lots you hold and a product of yours.',
  ],
  useLot: ['使用批次', 'Use lot'],
  takeOf: ['现有 {0} {1}', '{0} {1} left'],
  newLot: ['新批号', 'New lot code'],
  transformed: ['已生成批次 {0}。', 'Lot {0} is made.'],
  keys: ['API 密钥', 'API keys'],
  keyLabel: ['用途（如“仓库扫码枪 2”）', 'What it is for (e.g. "warehouse scanner 2")'],
  createKey: ['新建密钥', 'Create a key'],
  secretOnce: ['请立即复制保存：此密钥不会再次显示。', 'Copy it now: this key is not shown again.'],
  copy: ['复制', 'Copy'],
  useHere: ['在本标签页改用新密钥', 'Use the new key in this tab'],
  usingNew: ['本标签页已改用新密钥。', 'This tab now uses the new key.'],
  revoke: ['吊销', 'Revoke'],
  confirmRevoke: ['确认吊销“{0}”', 'Confirm: revoke "{0}"'],
  revoked: ['已吊销', 'Revoked'],
  active: ['有效', 'Active'],
  created: ['创建于', 'Created'],
  lastUsed: ['最近使用', 'last used'],
  organizations: ['组织', 'Organizations'],
  orgName: ['名称', 'Name'],
  createOrganization: ['新建组织', 'Create an organization'],
  orgCreated: ['已创建组织“{0}”。', 'Organization "{0}" is created.'],
  recordInspection: ['记录抽检', 'Record an inspection'],
  inspections: ['抽检', 'Inspections'],
  agency: ['检测机构', 'Testing agency'],
  standard: ['依据标准', 'Standard'],
  itemName: ['检测项目（如 镉）', 'Item tested (e.g. cadmium)'],
  itemValue: ['检测值', 'Value'],
  limit: ['限量', 'limit'],
  itemPassed: ['该项结果', 'Item result'],
  passed: ['合格', 'pass'],
  failed: ['不合格', 'fail'],
  verdict: ['结论', 'Verdict'],
  release: ['解除暂扣', 'Release the hold'],
  releaseReason: ['解除原因（记入账本）', 'Why the hold is lifted (recorded in the ledger)'],
  released: ['已解除暂扣。', 'The hold is lifted.'],
  initiateRecall: ['发起召回', 'Initiate a recall'],
  recallScope: ['召回范围（缺陷批次；由其制成的批次也将被召回）', 'Scope (the defective lots; every lot made from them is recalled too)'],
  level: ['级别', 'Level'],
  reason: ['原因（消费者可见）', 'Reason (as consumers will read it)'],
  recallStarted: ['召回已发起，影响 {0} 个批次。', 'Recall initiated: {0} lots affected.'],
  chooseScope: ['请至少选择一个批次。', 'Choose at least one lot.'],
  openRecalls: ['进行中的召回', 'Open recalls'],
  noRecalls: ['没有进行中的召回。', 'No open recalls.'],
  affected: ['受影响批次', 'Affected lots'],
  initiatedAt: ['发起时间', 'Initiated'],
  completeBy: ['完成期限', 'Complete by'],
  recovery: ['回收进度', 'Recovery'],
  notAllowed: ['您的组织类型不能使用此页面。', 'Your organization’s kind cannot use this screen.'],
  unknownPage: ['没有这个页面。', 'There is no such page.'],
  back: ['返回', 'Back'],
  menu: ['导航', 'Navigation'],
  required: ['必填', 'required'],
} as const satisfies Record<string, readonly [string, string]>;

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
