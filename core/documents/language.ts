// The languages documents are written in, and how one is picked for an order: its own
// language when offered ("de-AT" → de), English otherwise.
export const DOCUMENT_LANGUAGES = ['en', 'de'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

export function documentLanguage(orderLanguage: string | null | undefined): DocumentLanguage {
  const primary = (orderLanguage ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (DOCUMENT_LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as DocumentLanguage) : 'en';
}
