// Reads a request body as the exact bytes received, refusing it as soon as it grows past
// the cap: a declared Content-Length over the cap is refused before reading anything, and
// a body without one (chunked) is cut off while it streams in. A body with a declared
// length within the cap is read in one go: the HTTP layer (Node's parser, the Workers
// runtime) frames the body by that length, so it cannot grow past it.

export type BodyResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' | 'bad_length' };

export async function readBodyCapped(request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) return { ok: false, reason: 'bad_length' };
    if (Number(declared) > maxBytes) {
      await request.body?.cancel().catch(() => {});
      return { ok: false, reason: 'too_large' };
    }
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.byteLength > maxBytes ? { ok: false, reason: 'too_large' } : { ok: true, bytes };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return { ok: true, bytes: chunks[0] as Uint8Array };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return { ok: true, bytes };
}
