// Run as a child process by verdict.test.ts: a bench's failed verdict, then its embedded
// database closed last — PGlite's runtime writes process.exitCode as it starts and closes.
import { PGlite } from '@electric-sql/pglite';
import { exitWithVerdict, Verdict } from './verdict.ts';

const db = new PGlite('memory://');
await db.query('SELECT 1');
exitWithVerdict(new Verdict().zero('oversold', 1));
await db.close();
