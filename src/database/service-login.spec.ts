import { describe, expect, it } from '@jest/globals';
import { serviceLoginFromEnv } from './service-login.js';

describe('serviceLoginFromEnv', () => {
  const password = 'a'.repeat(16);

  it('asks for nothing when neither is set, and takes a plain login name with its password', () => {
    expect(serviceLoginFromEnv({})).toBeNull();
    expect(serviceLoginFromEnv({ SERVICE_LOGIN: 'suyuan_service', SERVICE_LOGIN_PASSWORD: password })).toEqual({ name: 'suyuan_service', password });
  });

  it('names what is wrong', () => {
    expect(() => serviceLoginFromEnv({ SERVICE_LOGIN_PASSWORD: password })).toThrow('SERVICE_LOGIN is missing');
    expect(() => serviceLoginFromEnv({ SERVICE_LOGIN: 'suyuan_service' })).toThrow('SERVICE_LOGIN_PASSWORD is missing or too short');
    expect(() => serviceLoginFromEnv({ SERVICE_LOGIN: 'suyuan_service', SERVICE_LOGIN_PASSWORD: 'short' })).toThrow('at least 16 characters');
    expect(() => serviceLoginFromEnv({ SERVICE_LOGIN: 'Robert"; DROP', SERVICE_LOGIN_PASSWORD: password })).toThrow('SERVICE_LOGIN is invalid');
    expect(() => serviceLoginFromEnv({ SERVICE_LOGIN: 'suyuan_app', SERVICE_LOGIN_PASSWORD: password })).toThrow('the group role itself');
  });
});
