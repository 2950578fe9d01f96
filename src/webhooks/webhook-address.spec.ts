import { describe, expect, it } from '@jest/globals';
import { internalAddressReason, internalHostReason, internalNameReason } from './webhook-address.js';

describe('internalAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.5', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'site-local'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['64:ff9b::808:808', 'NAT64'],
    ['64:ff9b:1::1', 'NAT64'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'Teredo'],
    ['2002:7f00:1::1', '6to4'],
    ['100::1', 'discard'],
    ['::7f00:1', 'reserved'],
    ['::ffff:0:7f00:1', 'reserved'],
    ['4000::1', 'reserved'],
    ['::ffff:127.0.0.1', 'IPv4-mapped form of a loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped form of a loopback'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped form of a link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped form of a private'],
    ['::ffff:0.0.0.0', 'IPv4-mapped form of an unspecified'],
    ['::ffff:ffff:ffff', 'IPv4-mapped form of the broadcast'],
    ['0:0:0:0:0:ffff:c0a8:101', 'IPv4-mapped form of a private'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(internalAddressReason(address)).toContain(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '223.255.255.255',
    '2606:4700::1111',
    '2a00:1450::1',
    '::ffff:8.8.8.8',
  ])('accepts the public address %s', (address) => {
    expect(internalAddressReason(address)).toBeNull();
  });

  it('refuses text that is not canonical IP (the URL parser canonicalises first)', () => {
    for (const text of ['0177.0.0.1', '127.1', '2130706433', 'localhost', '']) expect(internalAddressReason(text)).toBe('not an IP address');
  });
});

describe('internalNameReason', () => {
  it.each([
    ['localhost', 'loopback'],
    ['LOCALHOST.', 'loopback'],
    ['api.localhost', 'loopback'],
    ['metadata.google.internal', '.internal'],
    ['printer.local', '.local'],
    ['router.home.arpa', '.arpa'],
    ['redis', 'single-label'],
    ['postgres.', 'single-label'],
  ])('refuses %s (%s)', (name, reason) => {
    expect(internalNameReason(name)).toContain(reason);
  });

  it('leaves other names to DNS', () => {
    for (const name of ['example.org', 'hooks.example.com.', 'internal.example.org', 'local.example.net']) expect(internalNameReason(name)).toBeNull();
  });
});

describe('internalHostReason', () => {
  it('judges a URL hostname as an address when it is one (IPv6 in brackets) and as a name otherwise', () => {
    expect(internalHostReason('[::1]')).toContain('loopback');
    expect(internalHostReason('[::ffff:7f00:1]')).toContain('IPv4-mapped form of a loopback');
    expect(internalHostReason('127.0.0.1')).toContain('loopback');
    expect(internalHostReason('localhost')).toContain('loopback');
    expect(internalHostReason('[2606:4700::1111]')).toBeNull();
    expect(internalHostReason('example.org')).toBeNull();
  });
});
