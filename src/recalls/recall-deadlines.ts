/**
 * 食品召回管理办法: a level-1 recall starts within 24 hours and completes within 10 working days,
 * level 2 within 48 hours and 20, level 3 within 72 hours and 30. Working days skip Saturdays,
 * Sundays and the configured public holidays, counted in China's calendar (UTC+8).
 */
export const RECALL_LEVELS = {
  LEVEL_1: { startHours: 24, completeWorkingDays: 10 },
  LEVEL_2: { startHours: 48, completeWorkingDays: 20 },
  LEVEL_3: { startHours: 72, completeWorkingDays: 30 },
} as const;
export type RecallLevel = keyof typeof RECALL_LEVELS;

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

export function recallDeadlines(level: RecallLevel, initiatedAt: Date, holidays: ReadonlySet<string>): { startBy: Date; completeBy: Date } {
  const rule = RECALL_LEVELS[level];
  const startBy = new Date(initiatedAt.getTime() + rule.startHours * 3600_000);
  // Day by day in China's calendar, from the day after the recall starts.
  let day = Math.floor((initiatedAt.getTime() + CHINA_OFFSET_MS) / DAY_MS);
  let counted = 0;
  while (counted < rule.completeWorkingDays) {
    day++;
    const date = new Date(day * DAY_MS);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(date.toISOString().slice(0, 10))) counted++;
  }
  // The end of that day in China.
  return { startBy, completeBy: new Date((day + 1) * DAY_MS - CHINA_OFFSET_MS - 1) };
}
