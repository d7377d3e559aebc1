// The merchant's logo as documents print it: PNG or JPEG only (what PDF embeds without
// conversion), recognised by its first bytes rather than a file name, and small enough to be
// copied into every document.
export type LogoType = 'image/png' | 'image/jpeg';
export interface Logo {
  bytes: Uint8Array;
  type: LogoType;
}

export const LOGO_MAX_BYTES = 512 * 1024;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** The logo's type from its bytes; throws with the reason when it cannot be a document's logo. */
export function readLogo(bytes: Uint8Array): Logo {
  if (bytes.length > LOGO_MAX_BYTES)
    throw new Error(`the logo has ${bytes.length} bytes; at most ${LOGO_MAX_BYTES} (512 KiB) are printed`);
  if (startsWith(bytes, PNG)) return { bytes, type: 'image/png' };
  if (startsWith(bytes, JPEG)) return { bytes, type: 'image/jpeg' };
  throw new Error('the logo must be a PNG or JPEG image');
}
