-- Indexes on expressions, which prisma/schema.prisma cannot declare. Each one is created by a
-- hand-edited migration (named beside its model in schema.prisma) and listed here as well, so the
-- drift test (packages/db/test/migrations.int.test.ts) can check that the migrations build exactly
-- the schema plus these, and nothing else. Add to this file when a migration adds one.

-- 20261202141030_console_search: the console's one-box search. Emails match case-insensitively;
-- phones match by their digits from the end (a prefix scan of the reversed digits), so a number
-- typed with or without its country code finds the stored E.164 digits.
CREATE INDEX "contacts_lower_email_idx" ON "contacts" (lower("email"));
CREATE INDEX "contacts_reverse_phone_idx" ON "contacts" (reverse("phone") text_pattern_ops);
CREATE INDEX "leads_lower_email_idx" ON "leads" (lower("email"));
CREATE INDEX "leads_reverse_phone_idx" ON "leads" (reverse("phone") text_pattern_ops);
CREATE INDEX "payments_customer_email_idx" ON "payments" (lower("customer" ->> 'email'));
CREATE INDEX "payments_customer_phone_idx" ON "payments" (reverse(regexp_replace("customer" ->> 'phone', '[^0-9]', '', 'g')) text_pattern_ops);
CREATE INDEX "payments_customer_id_idx" ON "payments" (("customer" ->> 'id'));
