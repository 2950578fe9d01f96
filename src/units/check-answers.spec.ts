import { describe, expect, it } from '@jest/globals';
import { correctAnswer, WRONG_ANSWER } from './check-answers.js';

describe('check answers', () => {
  it('says genuine and first on the first correct check', () => {
    const first = new Date('2026-12-01T02:30:00Z');
    expect(correctAnswer(1, first, 'Asia/Shanghai')).toMatchObject({ genuine: true, checks: 1, firstCheckedAt: first });
    expect(correctAnswer(1, first, 'Asia/Shanghai').message).toMatch(/首次查询/);
  });

  it('says how many times and since when on a later check, in both languages, in the configured time zone', () => {
    const answer = correctAnswer(3, new Date('2026-12-01T02:30:00Z'), 'Asia/Shanghai');
    expect(answer.message).toContain('此码已被查询 3 次，首次查询于 2026年12月1日 10:30');
    expect(answer.message).toContain('checked 3 times, first on 1 December 2026 at 10:30');
  });

  it('answers a wrong code without any count or time', () => {
    expect(WRONG_ANSWER).toMatchObject({ genuine: false, checks: 0, firstCheckedAt: null });
    expect(WRONG_ANSWER.message).toMatch(/does not match/);
  });
});
