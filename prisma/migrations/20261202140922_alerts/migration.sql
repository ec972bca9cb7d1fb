-- CreateTable
CREATE TABLE "alert_states" (
    "rule_name" TEXT NOT NULL,
    "firing_since" TIMESTAMPTZ(3),
    "last_value" DOUBLE PRECISION,
    "last_evaluated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_states_pkey" PRIMARY KEY ("rule_name")
);

-- CreateTable
CREATE TABLE "leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "inbound_events_provider_connection_received_at_idx" ON "inbound_events"("provider", "connection", "received_at");
