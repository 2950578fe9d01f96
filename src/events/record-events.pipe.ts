import { ArgumentMetadata, Injectable, ParseArrayPipe, PipeTransform } from '@nestjs/common';
import { MAX_QUANTITY } from '../batches/dto/register-batch.input.js';
import { BIZ_STEPS } from './biz-step.js';
import { RecordEventInput } from './dto/record-event.input.js';
import { MAX_SERIALS_PER_EVENT } from './event-units.js';

/**
 * recordEvents' argument: what ParseArrayPipe with RecordEventInput's rules gives, at a fraction of
 * the cost for the common case. ParseArrayPipe copies and checks each event with class-transformer
 * and class-validator (about a tenth of the service's time per event at 100 events a call). Events
 * that plainly meet every rule (the checks below are each as strict as the decorator's, or
 * stricter) become RecordEventInputs directly; anything else (one doubtful event) goes through
 * ParseArrayPipe, so every refusal is its own, message for message.
 */
@Injectable()
export class RecordEventsPipe implements PipeTransform {
  private readonly full = new ParseArrayPipe({ items: RecordEventInput, forbidUnknownValues: false });

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (Array.isArray(value) && value.length > 0) {
      let plain = true;
      for (let i = 0; i < value.length && plain; i++) plain = plainlyValidEvent(value[i]);
      if (plain) return value.map((event: object) => Object.assign(new RecordEventInput(), event));
    }
    return this.full.transform(value, metadata);
  }
}

// A subset of class-validator's IsUUID() (validator's "all": versions 1 to 8, RFC variant).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
// IsIdempotencyKey's pattern.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const FIELDS = new Set(['batchId', 'bizStep', 'eventTime', 'facilityId', 'destinationOrganizationId', 'quantity', 'details', 'idempotencyKey', 'serials']);
const BIZ_STEP_SET: ReadonlySet<unknown> = new Set(BIZ_STEPS);
/** Deeper details are left to the full pipe (the JSON scalar and checkDetails bound them anyway). */
const MAX_PLAIN_DEPTH = 16;

/** True only for an event RecordEventInput's decorators certainly accept, made of plain JSON that copying would not change. */
export function plainlyValidEvent(event: unknown): boolean {
  if (!isPlainObject(event)) return false;
  const e = event as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!FIELDS.has(key)) return false;
  const optionalUuid = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && UUID.test(v));
  return (
    typeof e.batchId === 'string' &&
    UUID.test(e.batchId) &&
    BIZ_STEP_SET.has(e.bizStep) &&
    e.eventTime instanceof Date &&
    !Number.isNaN(e.eventTime.getTime()) &&
    optionalUuid(e.facilityId) &&
    optionalUuid(e.destinationOrganizationId) &&
    (e.quantity === undefined ||
      e.quantity === null ||
      (typeof e.quantity === 'number' && Number.isFinite(e.quantity) && e.quantity >= 0 && e.quantity <= MAX_QUANTITY)) &&
    (e.idempotencyKey === undefined || e.idempotencyKey === null || (typeof e.idempotencyKey === 'string' && IDEMPOTENCY_KEY.test(e.idempotencyKey))) &&
    (e.details === undefined || e.details === null || isPlainJson(e.details, 0)) &&
    (e.serials === undefined ||
      e.serials === null ||
      (Array.isArray(e.serials) &&
        Object.getPrototypeOf(e.serials) === Array.prototype &&
        e.serials.length <= MAX_SERIALS_PER_EVENT &&
        e.serials.every((s) => typeof s === 'string')))
  );
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Strings, finite numbers, booleans, null, dense arrays and plain objects without reserved keys. */
function isPlainJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth >= MAX_PLAIN_DEPTH || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
    return Object.getPrototypeOf(value) === Array.prototype;
  }
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return false;
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
