export { EventStatus, eventStatuses, unfinishedStatuses } from './events/event-status';
export * from './events/canonical-event';
export { routeEvent } from './routing/route-event';
export type { WorkQueue } from './routing/route-event';
export { addPaymentFact, foldPayment, isPaid, paymentFactOf, paymentKey } from './payments/payment-state';
export type { PaymentFact, PaymentState, PaymentStatus } from './payments/payment-state';
export { mergeMessageStatus, messageStatusRank } from './messages/message-state';
export type { MessageStatus } from './messages/message-state';
