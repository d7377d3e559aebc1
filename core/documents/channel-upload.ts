// How the hand-over of an issued document to its order's channel is recorded in the audit log
// (entity `document_push`, one row per outcome; sync/document-push.ts writes them, a person's
// replay of a refusal — core/exceptions/replay.ts — reopens it). The latest row decides.
export const DOCUMENT_PUSH_ENTITY = 'document_push';
export const DOCUMENT_PUSH_OUTCOMES = ['document.pushed', 'document.push_not_applicable', 'document.push_refused'];
export const DOCUMENT_PUSH_REPLAYED = 'document.push_replayed';
/** The open exception of a channel's refusal, one per document. */
export const DOCUMENT_PUSH_REFUSED = 'document_push_refused';
export const documentPushDedupeKey = (documentId: string) => `document_push:${documentId}`;
