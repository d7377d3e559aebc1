// Locations: warehouses and stores, pickup and opening hours, the staff PIN (a scrypt hash, never returned).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPin } from '../../core/pickups/pin.ts';
import type { Database } from '../../core/db/database.ts';
import { testDatabases } from '../support/databases.ts';
import { buildHarness, type Harness } from './harness.ts';

describe.each(testDatabases())('locations API on $kind', ({ open }) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => {
    db = await open();
    h = await buildHarness(db);
  });
  afterAll(() => db?.close());

  it('creates a store with pickup and opening hours, and a warehouse with defaults', async () => {
    const store = await h.call('POST', '/api/v1/locations', {
      body: {
        id: 'paris',
        code: 'PAR',
        name: 'Paris store',
        kind: 'store',
        pickupEnabled: true,
        timezone: 'Europe/Paris',
        openingHours: {
          mon: [
            { open: '09:00', close: '12:30' },
            { open: '14:00', close: '19:00' },
          ],
          sat: [{ open: '10:00', close: '18:00' }],
        },
      },
    });
    expect(store.status).toBe(201);
    expect(store.body).toMatchObject({
      id: 'paris',
      kind: 'store',
      pickupEnabled: true,
      timezone: 'Europe/Paris',
      hasStaffPin: false,
    });
    const wh = await h.call('POST', '/api/v1/locations', {
      body: { id: 'wh1', code: 'WH1', name: 'Warehouse', kind: 'warehouse' },
    });
    expect(wh.status).toBe(201);
    expect(wh.body).toMatchObject({ pickupEnabled: false, pickupHoldDays: 7, timezone: 'UTC', openingHours: null });
    const list = await h.call('GET', '/api/v1/locations');
    expect(list.body.data.map((l: { code: string }) => l.code)).toEqual(['PAR', 'WH1']);
  });

  it('names each field at fault', async () => {
    const r = await h.call('POST', '/api/v1/locations', {
      body: {
        code: 'bad code',
        name: 'x',
        kind: 'warehouse',
        pickupEnabled: true,
        timezone: 'Mars/Base',
        openingHours: { mon: [{ open: '18:00', close: '09:00' }], funday: [] },
      },
    });
    expect(r.status).toBe(400);
    const paths = r.body.error.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['code', 'openingHours', 'openingHours.mon.0.close', 'timezone']));
    const pickup = await h.call('POST', '/api/v1/locations', {
      body: { code: 'W2', name: 'x', kind: 'warehouse', pickupEnabled: true },
    });
    expect(pickup.body.error.fields).toEqual([{ path: 'pickupEnabled', message: 'only stores can offer pickup' }]);
  });

  it('refuses a duplicate code with 409; unknown id → 404', async () => {
    expect(
      (await h.call('POST', '/api/v1/locations', { body: { code: 'PAR', name: 'x', kind: 'store' } })).status,
    ).toBe(409);
    expect((await h.call('GET', '/api/v1/locations/nope')).status).toBe(404);
    expect((await h.call('PATCH', '/api/v1/locations/nope', { body: { name: 'x' } })).status).toBe(404);
  });

  it('changes a location; clears opening hours with null; refuses pickup on a warehouse', async () => {
    const r = await h.call('PATCH', '/api/v1/locations/paris', {
      body: { name: 'Paris Rivoli', pickupHoldDays: 3, openingHours: null },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Paris Rivoli', pickupHoldDays: 3, openingHours: null });
    const w = await h.call('PATCH', '/api/v1/locations/paris', { body: { kind: 'warehouse' } });
    expect(w.status).toBe(400);
    expect(w.body.error.fields[0].path).toBe('kind');
  });

  it('sets the staff PIN as a scrypt hash, never returns it, and clears it', async () => {
    const weak = await h.call('PUT', '/api/v1/locations/paris/staff-pin', { body: { pin: '12' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields[0].path).toBe('pin');
    expect((await h.call('PUT', '/api/v1/locations/paris/staff-pin', { body: { pin: '123456' } })).status).toBe(400);
    const wh = await h.call('PUT', '/api/v1/locations/wh1/staff-pin', { body: { pin: '482913' } });
    expect(wh.body.error.message).toMatch(/not a store/);
    const set = await h.call('PUT', '/api/v1/locations/paris/staff-pin', { body: { pin: '482913' } });
    expect(set.status).toBe(204);
    expect(await db.prisma.auditLog.count({ where: { action: 'staff.pin_set', entityId: 'paris' } })).toBe(1);
    const row = await db.prisma.location.findUniqueOrThrow({ where: { id: 'paris' } });
    expect(row.staffPinHash).toMatch(/^scrypt\$/);
    expect(row.staffPinHash).not.toContain('482913');
    expect(await verifyPin('482913', row.staffPinHash)).toBe(true);
    expect(await verifyPin('482914', row.staffPinHash)).toBe(false);
    const shown = await h.call('GET', '/api/v1/locations/paris');
    expect(shown.body.hasStaffPin).toBe(true);
    expect(JSON.stringify(shown.body)).not.toContain('scrypt');
    expect((await h.call('DELETE', '/api/v1/locations/paris/staff-pin')).status).toBe(204);
    expect((await h.call('GET', '/api/v1/locations/paris')).body.hasStaffPin).toBe(false);
    expect((await h.call('PUT', '/api/v1/locations/nope/staff-pin', { body: { pin: '482913' } })).status).toBe(404);
  });
});
