-- AlterEnum
ALTER TYPE "EventStatus" ADD VALUE 'unmapped';
