// Reads vitest's JSON report: fails when any test was skipped or left todo (CI runs
// every suite, PostgreSQL and Redis included), and prints the closing count line.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skipped = [];
for (const file of report.testResults ?? []) {
  for (const t of file.assertionResults ?? []) {
    if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo')
      skipped.push(`${file.name}: ${t.fullName}`);
  }
}
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
if (skipped.length) {
  console.error(`\n${skipped.length} test(s) were skipped; CI runs every suite:`);
  for (const s of skipped) console.error(`  - ${s}`);
}
if (passed === 0) console.error('no test ran');
console.log(`\n${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
process.exit(skipped.length || failed || passed === 0 ? 1 : 0);
