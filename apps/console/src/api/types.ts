// The shapes of the ops API answers the console reads (apps/ops/README.md and the console contract).
// Dates arrive as ISO strings.

export type Role = 'viewer' | 'operator' | 'admin';

export interface SessionInfo {
  user: { name: string; role: Role };
  /** What the user may do beyond their role; absent from a server older than the permission. */
  permissions?: { revealPersonalData: boolean };
  csrfToken: string | null;
  expiresAt: string | null;
  via?: 'session' | 'token';
}

export interface EntityLink {
  type: string;
  key: string;
  href: string;
}

interface Hit {
  entity: EntityLink;
  matchedBy: string[];
}

export interface SearchResults {
  customers: (Hit & { phone: string | null; email: string | null; name: string | null; consent: boolean; optedOut: boolean; lastInboundAt: string | null })[];
  payments: (Hit & { provider: string; paymentId: string; orderId: string | null; status: string; amount: number | null; currency: string | null; refundedAmount: number; disputed: boolean; at: string })[];
  leads: (Hit & { id: string; formId: string; email: string | null; phone: string | null; name: string | null; owner: string | null; at: string })[];
  messages: (Hit & { channel: string; recipient: string | null; status: string; errorCode: string | null; at: string })[];
  deals: (Hit & { lastEvent: unknown })[];
  events: { id: string; provider: string; type: string; status: string; receivedAt: string; matchedBy: string[] }[];
}

export interface TimelineEvent {
  source: 'event';
  id: string;
  at: string;
  provider: string;
  type: string;
  canonicalType: string | null;
  status: string;
  queue: string | null;
  receivedAt: string;
  processedAt: string | null;
  lastError: string | null;
}

export interface TimelineEffect {
  source: 'effect';
  id: string;
  at: string;
  kind: string;
  status: 'pending' | 'sending' | 'done' | 'skipped' | 'parked' | 'failed';
  queue: string;
  provider: string;
  providerRef: string | null;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  doneAt: string | null;
  message?: { id: string; status: string; errorCode: string | null; errorMessage: string | null };
}

export interface TimelineMessage {
  source: 'message';
  id: string;
  at: string;
  channel: string;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface TimelineAttention {
  source: 'attention';
  id: string;
  at: string;
  kind: string;
  summary: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

export type TimelineEntry = TimelineEvent | TimelineEffect | TimelineMessage | TimelineAttention;

/** POST /api/entities/:type/:key/reveal: the unmasked fields, for a user allowed to see them. */
export interface PersonalDataAnswer {
  type: string;
  key: string;
  personalData: { email: string | null; phone: string | null; name: string | null };
}

export interface EntityAnswer {
  type: string;
  key: string;
  timeline: TimelineEntry[];
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  at: string;
}

export interface AttentionItem {
  id: string;
  kind: string;
  entityType: string;
  entityKey: string;
  summary: string;
  createdAt: string;
  assignee?: string | null;
  event: { id: string; provider: string; type: string; status: string } | null;
}

export type BulkFilter = Record<string, string | null>;

export interface FailureGroup {
  source: 'dead_letters' | 'failed_effects' | 'parked_effects';
  provider: string | null;
  errorCode: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  example: { message?: string; kind?: string; effectId?: string | null; eventId?: string | null; entity: EntityLink | null };
  filter: BulkFilter | null;
}

export interface DeadLetter {
  id: string;
  queue: string;
  event: { id: string } | null;
  effect: { id: string } | null;
}

export interface RedrivePreview {
  matching: number;
  wouldRetry: number;
}

export interface Redrive {
  id: string;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  finished: boolean;
}

export type PerProvider = Record<string, number>;

export interface Dashboard {
  from: string;
  to: string;
  bucket: string;
  series: { at: string; received: PerProvider; processed: PerProvider; effects: { done: number; failed: number; skipped: number }; latencyMs: { p50: number; p99: number } | null }[];
  now: {
    deadLetters: Record<string, number>;
    parkedSends: number;
    outboxBacklog: number;
    queues: Record<string, { waiting: number; active: number; delayed: number }>;
  };
}

/** One configured alert rule and the state the evaluator last recorded (`GET /api/alerts`). */
export interface AlertListing {
  name: string;
  kind: string;
  /** What the rule watches, in words. */
  watches: string;
  state: 'firing' | 'ok' | 'pending';
  since: string | null;
  lastValue: number | null;
  lastValueText: string | null;
  threshold: number;
  thresholdText: string;
  summary: string | null;
  lastEvaluatedAt: string | null;
  notify: string[];
}
