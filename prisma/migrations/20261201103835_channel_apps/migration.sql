-- CreateTable
CREATE TABLE "channel_apps" (
    "type" "ChannelType" NOT NULL,
    "credentials_enc" TEXT NOT NULL,
    "updated_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "channel_apps_pkey" PRIMARY KEY ("type")
);
