// Retries a whole transaction when PostgreSQL aborts it for a deadlock or a
// serialization failure: safe because the transaction left nothing behind.
const RETRYABLE = new Set(['40001', '40P01']);

function pgCode(e: unknown): string | undefined {
  const err = e as { code?: string; meta?: { code?: string }; cause?: { code?: string; originalCode?: string } };
  return err?.cause?.originalCode ?? err?.cause?.code ?? err?.meta?.code ?? err?.code;
}

export async function withTxRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const text = String((e as Error)?.message ?? '');
      const retryable = RETRYABLE.has(pgCode(e) ?? '') || /deadlock detected|could not serialize/.test(text);
      if (!retryable || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * i));
    }
  }
}
