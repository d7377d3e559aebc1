import { z } from 'zod';

/** A channel's stock policy. An empty locationIds (the default) advertises nothing: safe by default. */
export const StockPolicySchema = z.object({
  locationIds: z.array(z.string().min(1)).default([]),
  buffer: z.number().int().min(0).default(0),
  max: z.number().int().min(0).nullable().optional(),
  percent: z.number().int().min(0).max(100).default(100),
});
export type StockPolicy = z.infer<typeof StockPolicySchema>;

export interface StockLevel {
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
}

export interface AtsPolicy {
  locationIds: readonly string[];
  buffer: number;
  max?: number | null;
  percent?: number;
}

function requireInt(value: unknown, field: string, min?: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RangeError(`${field} must be an integer, got ${String(value)}`);
  }
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw new RangeError(`${field} must be between ${min ?? '-inf'} and ${max ?? 'inf'}, got ${value}`);
  }
  return value;
}

/**
 * Quantity to advertise on a channel:
 * Σ over serving locations of max(0, onHand − reserved − safetyStock),
 * then × percent / 100 floored, minus buffer, capped by max, never below zero.
 * Each location is clamped at zero on its own, so a location whose reservations
 * and safety stock exceed its on hand does not reduce what the others can sell.
 */
export function availableToSell(levels: readonly StockLevel[], policy: AtsPolicy): number {
  const buffer = requireInt(policy.buffer, 'policy.buffer', 0);
  const percent = policy.percent === undefined ? 100 : requireInt(policy.percent, 'policy.percent', 0, 100);
  const max = policy.max === undefined || policy.max === null ? null : requireInt(policy.max, 'policy.max', 0);
  const serving = new Set(policy.locationIds);

  let sellable = 0;
  levels.forEach((level, i) => {
    const onHand = requireInt(level.onHand, `levels[${i}].onHand`);
    const reserved = requireInt(level.reserved, `levels[${i}].reserved`);
    const safetyStock = requireInt(level.safetyStock, `levels[${i}].safetyStock`);
    if (serving.has(level.locationId)) sellable += Math.max(0, onHand - reserved - safetyStock);
  });

  // Integer floor division: no floating-point rounding near whole numbers.
  const scaled = sellable * percent;
  let ats = (scaled - (scaled % 100)) / 100 - buffer;
  if (max !== null) ats = Math.min(ats, max);
  return Math.max(0, ats);
}
