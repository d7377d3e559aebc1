// Node entry points read ./.env when present (variables already set win).
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
