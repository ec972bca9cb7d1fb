-- AlterTable
ALTER TABLE "redrives" ADD COLUMN     "queue_prefix" TEXT;
