-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "crm_synced_version" INTEGER NOT NULL DEFAULT 0;
