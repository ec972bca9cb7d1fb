-- CreateEnum
CREATE TYPE "EffectStatus" AS ENUM ('pending', 'sending', 'done', 'skipped', 'parked', 'failed');

-- AlterTable
ALTER TABLE "inbound_events" ADD COLUMN     "entity_key" TEXT,
ADD COLUMN     "entity_type" TEXT;

-- CreateTable
CREATE TABLE "effects" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "business_key" TEXT NOT NULL,
    "status" "EffectStatus" NOT NULL DEFAULT 'pending',
    "queue" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "connection" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "event_id" UUID,
    "entity_type" TEXT NOT NULL,
    "entity_key" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "provider_ref" TEXT,
    "response" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "effects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "key" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "connection" TEXT NOT NULL,
    "payment_id" TEXT NOT NULL,
    "order_id" TEXT,
    "status" TEXT NOT NULL,
    "amount" INTEGER,
    "currency" TEXT,
    "refunded_amount" INTEGER NOT NULL DEFAULT 0,
    "disputed" BOOLEAN NOT NULL DEFAULT false,
    "customer" JSONB NOT NULL DEFAULT '{}',
    "facts" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 0,
    "last_occurred_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "recipient" TEXT,
    "status" TEXT NOT NULL,
    "error_code" TEXT,
    "error_message" TEXT,
    "effect_id" UUID,
    "last_occurred_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contacts" (
    "phone" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "consent" BOOLEAN NOT NULL DEFAULT false,
    "opted_out_at" TIMESTAMPTZ(3),
    "last_inbound_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("phone")
);

-- CreateTable
CREATE TABLE "leads" (
    "id" UUID NOT NULL,
    "form_id" TEXT NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "name" TEXT,
    "owner" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "event_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "leads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routing_cursors" (
    "rule_id" TEXT NOT NULL,
    "next" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "routing_cursors_pkey" PRIMARY KEY ("rule_id")
);

-- CreateTable
CREATE TABLE "attention_items" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_key" TEXT NOT NULL,
    "event_id" UUID,
    "summary" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolution" TEXT,

    CONSTRAINT "attention_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "reason" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "effects_entity_type_entity_key_idx" ON "effects"("entity_type", "entity_key");

-- CreateIndex
CREATE INDEX "effects_event_id_idx" ON "effects"("event_id");

-- CreateIndex
CREATE INDEX "effects_status_updated_at_idx" ON "effects"("status", "updated_at");

-- CreateIndex
CREATE INDEX "effects_provider_ref_idx" ON "effects"("provider_ref");

-- CreateIndex
CREATE UNIQUE INDEX "effects_kind_business_key_key" ON "effects"("kind", "business_key");

-- CreateIndex
CREATE INDEX "payments_order_id_idx" ON "payments"("order_id");

-- CreateIndex
CREATE INDEX "messages_effect_id_idx" ON "messages"("effect_id");

-- CreateIndex
CREATE INDEX "contacts_email_idx" ON "contacts"("email");

-- CreateIndex
CREATE UNIQUE INDEX "leads_dedup_key_key" ON "leads"("dedup_key");

-- CreateIndex
CREATE INDEX "attention_items_resolved_at_created_at_idx" ON "attention_items"("resolved_at", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "attention_items_kind_entity_type_entity_key_key" ON "attention_items"("kind", "entity_type", "entity_key");

-- CreateIndex
CREATE INDEX "audit_entries_at_idx" ON "audit_entries"("at");

-- CreateIndex
CREATE INDEX "inbound_events_entity_type_entity_key_idx" ON "inbound_events"("entity_type", "entity_key");
