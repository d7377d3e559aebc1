-- CreateEnum
CREATE TYPE "DocumentKind" AS ENUM ('invoice', 'credit_note');

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "language" VARCHAR(35);

-- CreateTable
CREATE TABLE "merchant_settings" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "address_lines" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "vat_id" TEXT,
    "invoice_prefix" TEXT NOT NULL DEFAULT 'INV',
    "credit_note_prefix" TEXT NOT NULL DEFAULT 'CN',
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "merchant_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_series" (
    "key" TEXT NOT NULL,
    "last_number" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "document_series_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "documents" (
    "id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "kind" "DocumentKind" NOT NULL,
    "series" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "refers_to_id" TEXT,
    "language" VARCHAR(35) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "total" BIGINT NOT NULL,
    "store" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "prev_hash" CHAR(64),
    "record_hash" CHAR(64) NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_blobs" (
    "document_id" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "document_blobs_pkey" PRIMARY KEY ("document_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "documents_number_key" ON "documents"("number");

-- CreateIndex
CREATE UNIQUE INDEX "documents_idempotency_key_key" ON "documents"("idempotency_key");

-- CreateIndex
CREATE INDEX "documents_order_id_idx" ON "documents"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "documents_series_seq_key" ON "documents"("series", "seq");

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_refers_to_id_fkey" FOREIGN KEY ("refers_to_id") REFERENCES "documents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Archived documents are written once: a correction is a new document, never an edit
-- (GoBD: unalterable). Not expressible in schema.prisma, so written here by hand.
CREATE FUNCTION "documents_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'archived documents are immutable: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER "documents_immutable" BEFORE UPDATE OR DELETE ON "documents"
  FOR EACH ROW EXECUTE FUNCTION "documents_refuse_change"();

CREATE TRIGGER "document_blobs_immutable" BEFORE UPDATE OR DELETE ON "document_blobs"
  FOR EACH ROW EXECUTE FUNCTION "documents_refuse_change"();
