import { describe, expect, it } from '@jest/globals';
import { RequestLoader, requestLoader } from './request-loader.js';

describe('RequestLoader', () => {
  it('loads the ids asked for in one turn with one call, each id once', async () => {
    const calls: string[][] = [];
    const loader = new RequestLoader(async (ids: string[]) => {
      calls.push(ids);
      return new Map(ids.filter((id) => id !== 'missing').map((id) => [id, id.toUpperCase()]));
    });
    const values = await Promise.all(['a', 'b', 'a', 'missing'].map((id) => loader.load(id)));
    expect(values).toEqual(['A', 'B', 'A', null]);
    expect(calls).toEqual([['a', 'b', 'missing']]);
    expect(await loader.load('b')).toBe('B');
    expect(await loader.load('c')).toBe('C');
    expect(calls).toEqual([['a', 'b', 'missing'], ['c']]);
  });

  it('fails every id of a failed call, and keeps loaders apart per request', async () => {
    const failing = new RequestLoader<string>(async () => {
      throw new Error('database away');
    });
    await expect(Promise.all([failing.load('a'), failing.load('b')])).rejects.toThrow('database away');
    const [one, two] = [{}, {}];
    const make = () => new Map<string, string>();
    expect(requestLoader(one, 'org', async () => make())).toBe(requestLoader(one, 'org', async () => make()));
    expect(requestLoader(one, 'org', async () => make())).not.toBe(requestLoader(two, 'org', async () => make()));
  });
});
