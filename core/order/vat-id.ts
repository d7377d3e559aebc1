// The buyer's VAT identification number as the order keeps it: the form EN 16931 requires of
// BT-48 (BR-CO-09: prefixed with the issuing country's ISO 3166-1 alpha-2 code, Greece "EL"),
// without the spaces, dots and dashes people type. Connectors call buyerVatId() on what the
// channel gives; a number whose country is neither in it nor stated by the channel is not kept,
// because a guessed prefix would be a wrong VAT id on an invoice.

/** Two-letter prefix, then 2 to 13 letters, digits or the + and * some countries use. */
export const VAT_ID_PATTERN = /^[A-Z]{2}[A-Z0-9+*]{2,13}$/;

/** The VAT prefix of a country: ISO 3166-1 alpha-2, except Greece (GR → EL). */
function vatPrefix(countryCode: string): string {
  return countryCode === 'GR' ? 'EL' : countryCode;
}

/**
 * The number in the hub's form, or null when it is empty, malformed, or has no country prefix
 * and `issuingCountry` (the channel's own statement of who issued it) is not given.
 */
export function buyerVatId(raw: string | null | undefined, issuingCountry?: string | null): string | null {
  const compact = (raw ?? '').toUpperCase().replace(/[\s.\-/]/g, '');
  if (compact === '') return null;
  const country = (issuingCountry ?? '').trim().toUpperCase();
  const known = /^[A-Z]{2}$/.test(country) ? vatPrefix(country) : null;
  // Already prefixed (DE…, ATU…), else the issuing country's prefix goes first (ES + B12345678).
  const id = /^[A-Z]{2}/.test(compact) ? compact : known ? known + compact : null;
  return id && VAT_ID_PATTERN.test(id) ? id : null;
}
