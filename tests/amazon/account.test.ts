// What a person types for an Amazon account or listing is checked before it is stored, and a
// refusal names the field (the API answers 400 with it): seller id, refresh token, marketplaces,
// region, stray credentials; a listing's product type and marketplace.
import { describe, expect, it } from 'vitest';
import { createAmazonConnector } from '../../connectors/amazon/connector.ts';
import { AccountInputError, ChannelDataError } from '../../connectors/connector.ts';

const connector = createAmazonConnector();
const input = (credentials: Record<string, string>, settings: Record<string, unknown>) => ({
  credentials,
  settings,
  endpointOverride: null,
});
const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof AccountInputError || e instanceof ChannelDataError) return e.field;
    throw e;
  }
  return null;
};

describe('Amazon account and listing input', () => {
  it('normalises a good account: seller id upper-cased, marketplaces as a list, region defaulted', () => {
    const out = connector.normaliseAccount?.(
      input({ sellerId: 'a3simseller01', refreshToken: 'Atzr|x' }, { marketplaceIds: 'ATVPDKIKX0DER, A2EUQ1WTGCTBG2' }),
    );
    expect(out?.credentials.sellerId).toBe('A3SIMSELLER01');
    expect(out?.settings).toMatchObject({ marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'], region: 'na' });
  });

  it('refuses, naming the field: no seller id, no refresh token, no marketplace, another region, a stray credential', () => {
    const ok = { sellerId: 'A3SIMSELLER01', refreshToken: 'Atzr|x' };
    const markets = { marketplaceIds: ['ATVPDKIKX0DER'] };
    const n = (c: Record<string, string>, s: Record<string, unknown>) => () =>
      connector.normaliseAccount?.(input(c, s));
    expect(fieldOf(n({ refreshToken: 'Atzr|x' }, markets))).toBe('credentials.sellerId');
    expect(fieldOf(n({ sellerId: 'A3SIMSELLER01' }, markets))).toBe('credentials.refreshToken');
    expect(fieldOf(n(ok, {}))).toBe('settings.marketplaceIds');
    expect(fieldOf(n(ok, { ...markets, region: 'mars' }))).toBe('settings.region');
    expect(fieldOf(n({ ...ok, lwaClientSecret: 's' }, markets))).toBe('credentials.lwaClientSecret');
  });

  it("checks a listing's channel data: the product type every write needs, a well-formed marketplace", () => {
    expect(connector.normaliseChannelData?.({ productType: 'LUGGAGE', marketplaceId: 'ATVPDKIKX0DER' })).toEqual({
      productType: 'LUGGAGE',
      marketplaceId: 'ATVPDKIKX0DER',
      fulfilledByAmazon: undefined,
    });
    expect(fieldOf(() => connector.normaliseChannelData?.({}))).toBe('productType');
    expect(fieldOf(() => connector.normaliseChannelData?.({ productType: 'LUGGAGE', marketplaceId: 'us' }))).toBe(
      'marketplaceId',
    );
  });
});
