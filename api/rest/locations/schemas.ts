import { z } from '@hono/zod-openapi';
import { Timestamp } from '../schemas.ts';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const Interval = z
  .object({
    open: z.string().regex(HHMM, 'a time as HH:MM (24 h)'),
    close: z.string().regex(HHMM, 'a time as HH:MM (24 h)'),
  })
  .refine((i) => i.open < i.close, { message: 'close must be after open', path: ['close'] });

export const OpeningHoursSchema = z
  .object(
    Object.fromEntries(DAYS.map((d) => [d, z.array(Interval).max(4).optional()])) as Record<
      (typeof DAYS)[number],
      z.ZodOptional<z.ZodArray<typeof Interval>>
    >,
  )
  .strict()
  .openapi('OpeningHours', {
    description: 'Local times (the location timezone) per weekday; a day left out is closed',
    example: { mon: [{ open: '09:00', close: '18:00' }], sat: [{ open: '10:00', close: '16:00' }] },
  });

const timezone = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'an IANA time zone such as Europe/Paris' },
  );

const fields = {
  code: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore'),
  name: z.string().trim().min(1).max(120),
  kind: z.enum(['warehouse', 'store']),
  pickupEnabled: z.boolean().openapi({ description: 'Click-and-collect orders may be picked up here (stores only)' }),
  pickupHoldDays: z
    .number()
    .int()
    .min(1)
    .max(90)
    .openapi({ description: 'Days a ready pickup waits before it is flagged' }),
  timezone,
  openingHours: OpeningHoursSchema.nullable(),
};

function storesOnlyPickup<T extends { kind?: string; pickupEnabled?: boolean }>(v: T, ctx: z.RefinementCtx) {
  if (v.pickupEnabled && v.kind === 'warehouse') {
    ctx.addIssue({ code: 'custom', path: ['pickupEnabled'], message: 'only stores can offer pickup' });
  }
}

export const NewLocationBody = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
      .optional(),
    ...fields,
    pickupEnabled: fields.pickupEnabled.default(false),
    pickupHoldDays: fields.pickupHoldDays.default(7),
    timezone: fields.timezone.default('UTC'),
    openingHours: fields.openingHours.optional(),
  })
  .superRefine(storesOnlyPickup)
  .openapi('NewLocation');

export const LocationPatchBody = z.object(fields).partial().openapi('LocationPatch');

export const StaffPinBody = z
  .object({
    pin: z.string().max(12).openapi({
      description: '6 to 12 digits, not one digit repeated nor a run (123456); stored as a scrypt hash, never returned',
    }),
  })
  .openapi('StaffPin');

export const LocationSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(['warehouse', 'store']),
    pickupEnabled: z.boolean(),
    pickupHoldDays: z.number().int(),
    timezone: z.string(),
    openingHours: z.record(z.string(), z.unknown()).nullable(),
    hasStaffPin: z.boolean(),
    createdAt: Timestamp,
  })
  .openapi('Location');

export const LocationListSchema = z.object({ data: z.array(LocationSchema) }).openapi('LocationList');
