/**
 * The one wording of 食品召回管理办法's recall levels, shared by the recall list and feed, the reports and the
 * consumer page (server and phone): a consumer must read the same level in the same words wherever it appears.
 */
export type RecallLevel = 'LEVEL_1' | 'LEVEL_2' | 'LEVEL_3';

interface LevelWords {
  /** The level's name: 二级召回 / Level 2. */
  name: [string, string];
  /** What the level means for the eater. */
  harm: [string, string];
}

export const RECALL_LEVEL_WORDS: Record<RecallLevel, LevelWords> = {
  LEVEL_1: { name: ['一级召回', 'Level 1'], harm: ['可能或已经造成严重健康损害', 'serious harm to health'] },
  LEVEL_2: { name: ['二级召回', 'Level 2'], harm: ['可能或已经造成一般健康损害', 'general harm to health'] },
  LEVEL_3: { name: ['三级召回', 'Level 3'], harm: ['标签、标识等不符合规定', 'labelling not compliant'] },
};

/** "二级召回（可能或已经造成一般健康损害）" / "Level 2: general harm to health"; an unknown level as it was stored. */
export function recallLevelWords(level: string, lang: 'zh' | 'en'): string {
  const words = RECALL_LEVEL_WORDS[level as RecallLevel] as LevelWords | undefined;
  if (!words) return level;
  return lang === 'zh' ? `${words.name[0]}（${words.harm[0]}）` : `${words.name[1]}: ${words.harm[1]}`;
}
