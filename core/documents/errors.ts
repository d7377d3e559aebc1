// Why a document could not be issued; the API maps not_found to 404 and the rest to 409.
export type DocumentErrorCode = 'not_found' | 'merchant_settings_missing' | 'not_invoiceable' | 'no_invoice';

export class DocumentError extends Error {
  constructor(
    readonly code: DocumentErrorCode,
    /** The request field the problem is about (orderId, returnId), when there is one. */
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}
