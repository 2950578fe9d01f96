import { describe, expect, it } from '@jest/globals';
import { SocketRegistry } from './socket-registry.js';

const caps = { socketsPerKey: 2, subscriptionsPerSocket: 2, subscriptionsPerKey: 3 };

describe('socket registry', () => {
  it('caps sockets per key, subscriptions per socket and per key', () => {
    const registry = new SocketRegistry<string>(caps);
    expect([registry.open('a', 'key1'), registry.open('b', 'key1'), registry.open('c', 'key1')]).toEqual([true, true, false]);
    expect(registry.open('c', 'key2')).toBe(true);
    expect(['1', '2', '3'].map((id) => registry.subscribe('a', id))).toEqual(['ok', 'ok', 'socket-full']);
    expect(['1', '2'].map((id) => registry.subscribe('b', id))).toEqual(['ok', 'key-full']);
    // Another key has its own allowance; an id already counted is not counted twice.
    expect(registry.subscribe('c', '1')).toBe('ok');
    expect(registry.subscribe('a', '1')).toBe('ok');
  });

  it('gives back what ended, and closing a socket ends its subscriptions', () => {
    const registry = new SocketRegistry<string>(caps);
    registry.open('a', 'key1');
    registry.open('b', 'key1');
    registry.subscribe('a', '1');
    registry.subscribe('a', '2');
    registry.subscribe('b', '1');
    expect(registry.subscribe('b', '2')).toBe('key-full');
    registry.unsubscribe('a', '1');
    registry.unsubscribe('a', '1');
    expect(registry.subscribe('b', '2')).toBe('ok');
    registry.close('b');
    expect(registry.socketsOf('key1')).toEqual(['a']);
    expect(['3', '4'].map((id) => registry.subscribe('a', id))).toEqual(['ok', 'socket-full']);
    registry.close('a');
    registry.close('a');
    expect(registry.holders()).toEqual([]);
    expect(registry.subscribe('a', '5')).toBe('socket-full');
  });
});
