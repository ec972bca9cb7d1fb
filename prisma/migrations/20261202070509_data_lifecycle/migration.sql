-- AlterTable
ALTER TABLE "inbound_events" ADD COLUMN     "payload_dropped_at" TIMESTAMPTZ(3),
ALTER COLUMN "payload" DROP NOT NULL,
ALTER COLUMN "headers" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "inbound_events_payload_dropped_at_received_at_idx" ON "inbound_events"("payload_dropped_at", "received_at");
