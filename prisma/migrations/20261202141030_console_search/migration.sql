-- CreateIndex
CREATE INDEX "inbound_events_provider_event_id_idx" ON "inbound_events"("provider_event_id");

-- CreateIndex
CREATE INDEX "payments_payment_id_idx" ON "payments"("payment_id");

-- Expression indexes for the console's search (hand-written: Prisma's schema cannot express them;
-- schema.prisma names them beside each model). Emails are matched case-insensitively, phones by
-- their digits from the end, so "+44 7700 900123", "0044 7700 900123" and "07700 900123" all meet
-- the stored 447700900123 through a prefix scan of the reversed digits.
-- The drift test adds what stands between these two markers to the schema-built database.
-- expression-indexes: begin
CREATE INDEX "contacts_lower_email_idx" ON "contacts" (lower("email"));
CREATE INDEX "contacts_reverse_phone_idx" ON "contacts" (reverse("phone") text_pattern_ops);
CREATE INDEX "leads_lower_email_idx" ON "leads" (lower("email"));
CREATE INDEX "leads_reverse_phone_idx" ON "leads" (reverse("phone") text_pattern_ops);
CREATE INDEX "payments_customer_email_idx" ON "payments" (lower("customer" ->> 'email'));
CREATE INDEX "payments_customer_phone_idx" ON "payments" (reverse(regexp_replace("customer" ->> 'phone', '[^0-9]', '', 'g')) text_pattern_ops);
CREATE INDEX "payments_customer_id_idx" ON "payments" (("customer" ->> 'id'));
-- expression-indexes: end
