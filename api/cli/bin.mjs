#!/usr/bin/env node
// The `omnihub` executable (package.json "bin"): loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
