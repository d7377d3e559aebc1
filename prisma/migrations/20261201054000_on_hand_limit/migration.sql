-- On hand is bounded above (core/inventory/ledger.ts MAX_ON_HAND): a running total past the
-- int column's range used to fail as an arithmetic overflow; the ledger refuses it first and
-- this backs it up should any other code write the table. Prisma cannot express CHECKs.
ALTER TABLE "inventory_levels"
  ADD CONSTRAINT "inventory_levels_on_hand_max" CHECK ("on_hand" <= 1000000000);
