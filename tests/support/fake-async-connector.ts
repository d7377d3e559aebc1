// A channel whose stock writes are asynchronous, like Amazon's listings feeds or eBay's bulk
// jobs: pushStock() only accepts the values (one submission per call) and they apply when the
// test says so with complete(), which may reject some listings with a message. Until then
// checkStockSubmission() answers "still processing". Nothing else of the contract is used.
import type { ChannelConnector, ChannelType, StockPushResult, StockUpdate } from '../../connectors/connector.ts';

interface Submission {
  id: string;
  updates: StockUpdate[];
  done: boolean;
  rejected: Map<string, string>;
}

export interface FakeAsyncConnector extends ChannelConnector {
  /** Every submission made, oldest first. */
  readonly submissions: Submission[];
  /** What the channel shows per external stock id (applied submissions only). */
  readonly shown: Map<string, number>;
  /** checkStockSubmission() calls. */
  checks: number;
  /** Applies a submission; the listings in `reject` are refused with the message given. */
  complete(submissionId: string, reject?: Record<string, string>): void;
  /** The open (not completed) submissions that carry a listing. */
  submissionsOf(listingId: string): Submission[];
}

export function fakeAsyncConnector(type: ChannelType = 'amazon'): FakeAsyncConnector {
  const submissions: Submission[] = [];
  const shown = new Map<string, number>();
  const unused = (what: string) => () => {
    throw new Error(`fake async connector: ${what} is not part of this fake`);
  };
  const connector: FakeAsyncConnector = {
    type,
    limits: { stockBatchSize: 50, rateLimitModel: 'requests', ordersNeedPolling: true, supportsPickup: false },
    submissions,
    shown,
    checks: 0,
    complete(submissionId, reject = {}) {
      const s = submissions.find((x) => x.id === submissionId);
      if (!s) throw new Error(`no submission ${submissionId}`);
      s.done = true;
      s.rejected = new Map(Object.entries(reject));
      for (const u of s.updates) if (!s.rejected.has(u.listingId)) shown.set(u.externalStockId, u.quantity);
    },
    submissionsOf(listingId) {
      return submissions.filter((s) => s.updates.some((u) => u.listingId === listingId));
    },
    async pushStock(_account, updates): Promise<StockPushResult> {
      const id = `feed-${submissions.length + 1}`;
      submissions.push({ id, updates: [...updates], done: false, rejected: new Map() });
      return {
        confirmed: [],
        failed: [],
        pending: updates.map((u) => ({ listingId: u.listingId, quantity: u.quantity, submissionId: id })),
      };
    },
    async checkStockSubmission(_account, submissionId): Promise<StockPushResult> {
      connector.checks += 1;
      const s = submissions.find((x) => x.id === submissionId);
      if (!s) return { confirmed: [], failed: [], pending: [] };
      if (!s.done)
        return {
          confirmed: [],
          failed: [],
          pending: s.updates.map((u) => ({ listingId: u.listingId, quantity: u.quantity, submissionId })),
        };
      return {
        confirmed: s.updates
          .filter((u) => !s.rejected.has(u.listingId))
          .map((u) => ({ listingId: u.listingId, quantity: u.quantity })),
        failed: [...s.rejected].map(([listingId, message]) => ({
          listingId,
          code: 'invalid_value',
          message,
          retryable: true,
        })),
        pending: [],
      };
    },
    verifyWebhook: unused('verifyWebhook'),
    pollOrders: async (_a, cursor) => ({ events: [], cursor, hasMore: false }),
    fetchOrder: async () => null,
    interpret: () => ({ kind: 'ignored', reason: 'fake' }),
    pushFulfilment: unused('pushFulfilment'),
    async *discoverListings() {
      // The fake lists nothing: reconciliation is not part of these tests.
    },
    testConnection: async () => ({ ok: true, detail: 'fake' }),
  };
  return connector;
}
