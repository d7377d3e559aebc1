// Job ids: one builder for every producer (runtime, schedules, api) and one rule that both queue
// backends enforce. An id never contains ':' — BullMQ's rule for job ids and the separator of
// the Redis keys these ids end up in. Checking it in the in-process queue too means a bad id
// fails in every test instead of only in production on Redis (schedules once built ids from ISO
// times and never ran there).

/** Joins the parts with '.', each ':' (ISO times, task names) replaced by '_'. */
export function jobId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replaceAll(':', '_')).join('.');
}

/** Throws when an id breaks the rule: a producer bug, so it surfaces at once on either backend. */
export function assertJobId(id: string): string {
  if (id === '' || id.includes(':')) throw new Error(`invalid job id "${id}": build it with jobId() (no ':')`);
  return id;
}
