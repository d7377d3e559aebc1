-- AlterEnum
ALTER TYPE "ChannelType" ADD VALUE 'square';
