// The buyer's VAT id as orders keep it: EN 16931 BR-CO-09 wants the issuing country's prefix.
import { describe, expect, it } from 'vitest';
import { buyerVatId } from '../../core/order/vat-id.ts';
import { OrderDraftSchema } from '../../core/order/schema.ts';

describe('buyerVatId', () => {
  it('keeps a prefixed id, compacted and upper-cased', () => {
    expect(buyerVatId(' de 123.456-789 ')).toBe('DE123456789');
    expect(buyerVatId('ATU12345678', 'DE')).toBe('ATU12345678');
  });

  it("prefixes a bare number with the issuing country's code, Greece as EL", () => {
    expect(buyerVatId('123456789', 'de')).toBe('DE123456789');
    expect(buyerVatId('B12345678', 'ES')).toBe('ESB12345678');
    expect(buyerVatId('094014298', 'GR')).toBe('EL094014298');
  });

  it('keeps nothing it would have to guess or that is no VAT id', () => {
    expect(buyerVatId('123456789')).toBeNull();
    expect(buyerVatId('123456789', 'Germany')).toBeNull();
    expect(buyerVatId('')).toBeNull();
    expect(buyerVatId(null, 'DE')).toBeNull();
    expect(buyerVatId('DE1234567890123456', 'DE')).toBeNull();
    expect(buyerVatId('DE12#34', 'DE')).toBeNull();
  });

  it('the order model refuses an unprefixed VAT id', () => {
    const r = OrderDraftSchema.shape.buyerVatId.safeParse('123456789');
    expect(r.success).toBe(false);
    expect(OrderDraftSchema.shape.buyerVatId.safeParse('DE123456789').success).toBe(true);
  });
});
