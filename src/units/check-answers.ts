/**
 * What a consumer's check of a unit answers, in Chinese and English. Pure. A wrong code and an unknown
 * serial get the same words: the answer reveals nothing but "this code is not this unit's".
 */
export interface CheckAnswer {
  genuine: boolean;
  checks: number;
  firstCheckedAt: Date | null;
  message: string;
}

export function correctAnswer(checks: number, firstCheckedAt: Date, timeZone: string): CheckAnswer {
  if (checks === 1) {
    return {
      genuine: true,
      checks,
      firstCheckedAt,
      message: '正品：防伪码正确，这是此码的首次查询。 / Genuine: the code is right, and this is its first check.',
    };
  }
  const zh = new Intl.DateTimeFormat('zh-CN', { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(firstCheckedAt);
  const en = `${new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(firstCheckedAt)} (${timeZone} time)`;
  return {
    genuine: true,
    checks,
    firstCheckedAt,
    message:
      `防伪码正确。此码已被查询 ${checks} 次，首次查询于 ${zh}。如果首次查询不是您本人，此包装可能被仿冒。 / ` +
      `The code is right. It has been checked ${checks} times, first on ${en}. If that first check was not yours, this pack may be a copy.`,
  };
}

export const WRONG_ANSWER: CheckAnswer = {
  genuine: false,
  checks: 0,
  firstCheckedAt: null,
  message: '防伪码与该序列号不符：请核对标签上的序列号和防伪码。 / The code does not match this serial: check the serial and the code on the label.',
};
