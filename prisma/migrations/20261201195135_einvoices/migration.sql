-- AlterTable
ALTER TABLE "documents" ADD COLUMN     "einvoice_note" TEXT,
ADD COLUMN     "pdf_profile" TEXT,
ADD COLUMN     "xml_format" TEXT,
ADD COLUMN     "xml_sha256" CHAR(64),
ADD COLUMN     "xml_size" INTEGER;

-- AlterTable
ALTER TABLE "merchant_settings" ADD COLUMN     "city" TEXT,
ADD COLUMN     "country_code" CHAR(2),
ADD COLUMN     "email" TEXT,
ADD COLUMN     "phone" TEXT,
ADD COLUMN     "postal_code" TEXT,
ADD COLUMN     "street" TEXT;
