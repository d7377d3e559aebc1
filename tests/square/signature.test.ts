// Square's notification signature: base64 HMAC-SHA256 of (notification URL + raw body) with the
// subscription's signature key, checked in constant time with WebCrypto. The vectors are Square's
// own, published in the Node.js SDK's tests: square/square-nodejs-sdk,
// test/utilities/webhooksHelper.test.ts ("Test webhooks signature validation").
import { describe, expect, it } from 'vitest';
import {
  SIGNATURE_HEADER,
  signSquare,
  verifySquareNotification,
  verifySquareSignature,
} from '../../connectors/square/webhooks.ts';

const enc = (s: string) => new TextEncoder().encode(s);

// square/square-nodejs-sdk test/utilities/webhooksHelper.test.ts
const BODY =
  '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}';
const SIGNATURE = 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=';
const KEY = 'Ibxx_5AKakO-3qeNVR61Dw';
const URL_ = 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9';

describe("Square's published signature vectors (square-nodejs-sdk webhooksHelper.test.ts)", () => {
  it('accepts the signed test notification', async () => {
    expect(await verifySquareSignature(KEY, URL_, enc(BODY), SIGNATURE)).toBe(true);
  });
  it('accepts the unescaped-characters vector', async () => {
    const body = '{"data":{"type":"webhooks","id":"fake_id"}}';
    expect(
      await verifySquareSignature(
        'signature-key',
        'https://webhook.site/webhooks',
        enc(body),
        'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=',
      ),
    ).toBe(true);
  });
  it('accepts the escaped-characters vector (">id<" signed as sent, not re-escaped)', async () => {
    const body = '{"data":{"type":"webhooks","id":">id<"}}';
    expect(
      await verifySquareSignature(
        'signature-key',
        'https://webhook.site/webhooks',
        enc(body),
        'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=',
      ),
    ).toBe(true);
  });
  it('refuses another notification URL, another key, another signature, another or reformatted body', async () => {
    expect(
      await verifySquareSignature(
        KEY,
        'https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9',
        enc(BODY),
        SIGNATURE,
      ),
    ).toBe(false);
    expect(await verifySquareSignature('MCmhFRxGX82xMwg5FsaoQA', URL_, enc(BODY), SIGNATURE)).toBe(false);
    expect(await verifySquareSignature(KEY, URL_, enc(BODY), '1z2n3DEJJiUPKcPzQo1ftvbxGdw=')).toBe(false);
    expect(await verifySquareSignature(KEY, URL_, enc(BODY.replace('2022-07-13', '2022-06-13')), SIGNATURE)).toBe(
      false,
    );
    expect(await verifySquareSignature(KEY, URL_, enc(JSON.stringify(JSON.parse(BODY), null, 4)), SIGNATURE)).toBe(
      false,
    );
  });
  it('refuses an empty key', async () => {
    expect(await verifySquareSignature('', URL_, enc(BODY), SIGNATURE)).toBe(false);
  });
  it('the simulator signs as Square does', async () => {
    expect(await signSquare(KEY, URL_, BODY)).toBe(SIGNATURE);
  });
});

describe('verifySquareNotification', () => {
  const req = (body: string, headers: Record<string, string>, method = 'POST') => ({
    method,
    url: 'http://10.0.0.1/webhooks/channel/square',
    headers: new Headers(headers),
    rawBody: enc(body),
  });

  it('reads a verified notification into one event keyed by event_id, for the merchant it names', async () => {
    const r = await verifySquareNotification([KEY], URL_, req(BODY, { [SIGNATURE_HEADER]: SIGNATURE }));
    expect(r).toEqual({
      ok: true,
      identity: 'MLEFBHHSJGVHD',
      events: [
        {
          externalEventId: 'ac3ac95b-f97d-458c-a6e6-18981597e05f',
          topic: 'webhooks.test_notification',
          occurredAt: '2022-07-13T20:30:59.037339943Z',
          payload: JSON.parse(BODY),
        },
      ],
    });
  });

  it('accepts the previous key during a rotation, refuses without a matching one', async () => {
    expect(
      (await verifySquareNotification(['new-key', KEY], URL_, req(BODY, { [SIGNATURE_HEADER]: SIGNATURE }))).ok,
    ).toBe(true);
    const r = await verifySquareNotification(['new-key'], URL_, req(BODY, { [SIGNATURE_HEADER]: SIGNATURE }));
    expect(r).toMatchObject({ ok: false, status: 401, code: 'invalid_signature' });
  });

  it('refuses before parsing: no header, not a POST, no key, no public URL', async () => {
    expect(await verifySquareNotification([KEY], URL_, req(BODY, {}))).toMatchObject({ ok: false, status: 401 });
    expect(
      await verifySquareNotification([KEY], URL_, req(BODY, { [SIGNATURE_HEADER]: SIGNATURE }, 'GET')),
    ).toMatchObject({ ok: false, status: 405 });
    expect(await verifySquareNotification([], URL_, req(BODY, { [SIGNATURE_HEADER]: SIGNATURE }))).toMatchObject({
      ok: false,
      status: 401,
      code: 'not_configured',
    });
    expect(await verifySquareNotification([KEY], null, req(BODY, { [SIGNATURE_HEADER]: SIGNATURE }))).toMatchObject({
      ok: false,
      status: 401,
      code: 'not_configured',
    });
  });

  it('a signed body that is not a Square event is a 400 naming what is missing', async () => {
    const body = '{"type":"order.updated","merchant_id":"M1"}';
    const r = await verifySquareNotification(
      [KEY],
      URL_,
      req(body, { [SIGNATURE_HEADER]: await signSquare(KEY, URL_, body) }),
    );
    expect(r).toMatchObject({ ok: false, status: 400, message: 'event_id missing' });
  });
});
