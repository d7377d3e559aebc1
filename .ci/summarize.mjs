// Reads vitest's JSON report: fails when any test failed or was skipped or left todo (CI runs
// every suite, PostgreSQL and Redis included) or when a test file failed outside its tests (an
// import error: no test ran; a failing hook), and prints the closing count line. The counts are
// tests only: a file that failed to run is listed and fails CI, but is not a failed test.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skipped = [];
const fileErrors = [];
for (const file of report.testResults ?? []) {
  const tests = file.assertionResults ?? [];
  for (const t of tests) {
    if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo')
      skipped.push(`${relative(process.cwd(), file.name)}: ${t.fullName}`);
  }
  if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
    const ran = tests.filter((t) => t.status === 'passed').length;
    const why = (file.message || 'failed outside its tests').split('\n')[0];
    fileErrors.push(`${relative(process.cwd(), file.name)} (${ran} test(s) ran): ${why}`);
  }
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
if (skipped.length) {
  console.error(`\n${skipped.length} test(s) were skipped; CI runs every suite:`);
  for (const s of skipped) console.error(`  - ${s}`);
}
if (fileErrors.length) {
  console.error(`\n${fileErrors.length} test file(s) failed outside their tests:`);
  for (const e of fileErrors) console.error(`  - ${e}`);
}
if (passed === 0) console.error('no test ran');
const extra = [
  skipped.length ? `${skipped.length} skipped` : '',
  fileErrors.length ? `${fileErrors.length} file error(s)` : '',
].filter(Boolean);
console.log(`\n${[`${passed} passed`, `${failed} failed`, ...extra].join(', ')}`);
process.exit(skipped.length || failed || fileErrors.length || passed === 0 ? 1 : 0);
