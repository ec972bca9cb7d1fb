-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "EventStatus" AS ENUM ('received', 'queued', 'processing', 'processed', 'failed', 'dead', 'ignored');

-- CreateTable
CREATE TABLE "inbound_events" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "connection" TEXT NOT NULL,
    "provider_event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "canonical_type" TEXT,
    "queue" TEXT,
    "status" "EventStatus" NOT NULL DEFAULT 'received',
    "deliveries" INTEGER NOT NULL DEFAULT 1,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB NOT NULL,
    "canonical" JSONB,
    "headers" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_delivered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "queued_at" TIMESTAMPTZ(3),
    "processed_at" TIMESTAMPTZ(3),
    "redriven_at" TIMESTAMPTZ(3),
    "last_error" TEXT,

    CONSTRAINT "inbound_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_entries" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID,
    "queue" TEXT NOT NULL,
    "job_name" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "inbound_events_status_received_at_idx" ON "inbound_events"("status", "received_at");

-- CreateIndex
CREATE INDEX "inbound_events_provider_type_received_at_idx" ON "inbound_events"("provider", "type", "received_at");

-- CreateIndex
CREATE INDEX "inbound_events_received_at_idx" ON "inbound_events"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_events_provider_connection_provider_event_id_key" ON "inbound_events"("provider", "connection", "provider_event_id");

-- CreateIndex
CREATE INDEX "outbox_entries_dispatched_at_id_idx" ON "outbox_entries"("dispatched_at", "id");

-- CreateIndex
CREATE INDEX "outbox_entries_event_id_idx" ON "outbox_entries"("event_id");

-- AddForeignKey
ALTER TABLE "outbox_entries" ADD CONSTRAINT "outbox_entries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "inbound_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;
