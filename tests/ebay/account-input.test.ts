// What a person types for an eBay account or an eBay listing is checked before it is stored,
// naming the field: the credentials that renew the seller's token and route notifications, and
// the channel data a stock push needs (Inventory API SKU and offers, or a legacy item id).
import { describe, expect, it } from 'vitest';
import { AccountInputError, ChannelDataError } from '../../connectors/connector.ts';
import { createEbayConnector } from '../../connectors/ebay/connector.ts';

const connector = createEbayConnector();
const good = { refreshToken: 'v^1.1#r', clientId: 'App-PRD-1', clientSecret: 'PRD-secret', sellerUsername: 'seller_1' };

describe('eBay account and listing input', () => {
  it('requires the refresh token, app keys and seller id, refuses unknown keys, reads the settings', () => {
    const ok = connector.normaliseAccount?.({
      credentials: { ...good, clientId: ' App-PRD-1 ' },
      settings: {},
      endpointOverride: null,
    });
    expect(ok?.credentials.clientId).toBe('App-PRD-1');
    expect(connector.accountIdentity?.({ id: 'a', type: 'ebay', name: 'a', credentials: good, settings: {} })).toBe(
      'seller_1',
    );
    const refused = (credentials: Record<string, string>, settings: Record<string, unknown> = {}) => {
      try {
        connector.normaliseAccount?.({ credentials, settings, endpointOverride: null });
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(AccountInputError);
        return (e as AccountInputError).field;
      }
    };
    expect(refused({ ...good, refreshToken: '' })).toBe('credentials.refreshToken');
    expect(refused({ ...good, sellerUsername: ' ' })).toBe('credentials.sellerUsername');
    expect(refused({ ...good, acessToken: 'x' })).toBe('credentials.acessToken');
    expect(refused(good, { pollPageSize: 500 })).toBe('settings.pollPageSize');
    expect(refused(good, { marketplaceId: 'US' })).toBe('settings.marketplaceId');
  });

  it('shapes channel data for Inventory API and legacy listings, naming a wrong field', () => {
    expect(connector.normaliseChannelData?.({ sku: ' MUG ', offerIds: ['501'] })).toEqual({
      api: 'inventory',
      sku: 'MUG',
      offerIds: ['501'],
    });
    expect(connector.normaliseChannelData?.({ itemId: '110551234567', variationSku: 'RED-M' })).toEqual({
      api: 'trading',
      itemId: '110551234567',
      variationSku: 'RED-M',
    });
    const field = (data: Record<string, unknown>) => {
      try {
        connector.normaliseChannelData?.(data);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(ChannelDataError);
        return (e as ChannelDataError).field;
      }
    };
    expect(field({ api: 'trading', itemId: 'abc' })).toBe('itemId');
    expect(field({ api: 'inventory' })).toBe('sku');
    expect(field({ api: 'inventory', sku: 'A', offerIds: 'x' })).toBe('offerIds');
    expect(field({ api: 'feeds' })).toBe('api');
  });
});
