import switchyard from '@switchyard/eslint-config';

export default [
  ...switchyard,
  // The type-aware rules find each file's tsconfig.json from here.
  { files: ['**/*.ts'], languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } } },
  // Files other Core v2 branches are rewriting: the new rules are off for them until the merge,
  // then the lead fixes what remains and deletes every entry below (counts as of the tooling branch;
  // the list is in /work/wt/briefs/lint-remaining.txt).
  // TEMPORARY until the Core v2 merge (2)
  { files: ['apps/ops/test/erasure.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/src/forms/form-routes.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/src/forms/validate-submission.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/src/providers/body-depth.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/src/providers/hubspot/hubspot-adapter.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (9)
  { files: ['apps/receiver/src/providers/paypal/paypal-adapter.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (2)
  { files: ['apps/receiver/src/providers/pipedrive/pipedrive-adapter.test.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (2)
  { files: ['apps/receiver/src/providers/razorpay/razorpay-adapter.test.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (3)
  { files: ['apps/receiver/src/providers/salesforce/salesforce-adapter.test.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/src/providers/standard/standard-adapter.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (4)
  { files: ['apps/receiver/src/providers/stripe/stripe-adapter.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (5)
  { files: ['apps/receiver/src/providers/twilio/twilio-adapter.test.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (2)
  { files: ['apps/receiver/src/providers/whatsapp/whatsapp-adapter.test.ts'], rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (4)
  { files: ['apps/receiver/test/forms.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (5)
  { files: ['apps/receiver/test/razorpay-ingest.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/test/salesforce-ingest.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/test/standard-ingest.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (8)
  { files: ['apps/receiver/test/stripe-ingest.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/receiver/test/whatsapp-ingest.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/worker-crm/src/processors/lead-submitted.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/worker-payments/src/processors/payment-event.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['apps/worker-whatsapp/src/performers/message-send.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['packages/db/src/repositories/leads.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (2)
  { files: ['packages/db/src/repositories/messages.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (5)
  { files: ['packages/db/src/repositories/payments.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (3)
  { files: ['packages/db/test/connection-loss.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (5)
  { files: ['packages/db/test/payments.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (2)
  { files: ['packages/db/test/transaction.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['packages/queues/test/dead-letters.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['packages/worker-runtime/test/effect-runner.int.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  // TEMPORARY until the Core v2 merge (1)
  { files: ['packages/workflows/src/plan/payment-effects.test.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
];
