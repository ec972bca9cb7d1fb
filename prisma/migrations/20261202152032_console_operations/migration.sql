-- AlterTable
ALTER TABLE "attention_items" ADD COLUMN     "assigned_at" TIMESTAMPTZ(3),
ADD COLUMN     "assignee" TEXT;

-- CreateTable
CREATE TABLE "redrives" (
    "id" UUID NOT NULL,
    "filter" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "started_by" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tried_at" TIMESTAMPTZ(3),

    CONSTRAINT "redrives_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "redrive_items" (
    "redrive_id" UUID NOT NULL,
    "dead_letter_id" TEXT NOT NULL,
    "event_id" UUID,
    "effect_id" UUID,
    "outcome" TEXT,
    "detail" TEXT,
    "tried_at" TIMESTAMPTZ(3),

    CONSTRAINT "redrive_items_pkey" PRIMARY KEY ("redrive_id","dead_letter_id")
);

-- CreateIndex
CREATE INDEX "inbound_events_processed_at_provider_idx" ON "inbound_events"("processed_at", "provider");

-- CreateIndex
CREATE INDEX "effects_done_at_idx" ON "effects"("done_at");

-- AddForeignKey
ALTER TABLE "redrive_items" ADD CONSTRAINT "redrive_items_redrive_id_fkey" FOREIGN KEY ("redrive_id") REFERENCES "redrives"("id") ON DELETE CASCADE ON UPDATE CASCADE;
