/**
 * The worker queues, one per worker app. The queue registry (@switchyard/queues) defines their jobs;
 * this list is the one definition of the names. Permanent once released: jobs outlive deploys.
 */
export const queueNames = ['payments', 'crm', 'whatsapp'] as const;

export type QueueName = (typeof queueNames)[number];
