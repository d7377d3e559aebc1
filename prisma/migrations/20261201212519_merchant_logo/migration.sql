-- AlterTable
ALTER TABLE "merchant_settings" ADD COLUMN     "logo" BYTEA,
ADD COLUMN     "logo_type" TEXT;

-- A logo is PNG or JPEG bytes with its type, or neither.
ALTER TABLE "merchant_settings" ADD CONSTRAINT "merchant_settings_logo_check"
  CHECK ((logo IS NULL AND logo_type IS NULL) OR (logo IS NOT NULL AND logo_type IN ('image/png', 'image/jpeg')));
