// A small argument parser: `--name value`, `--name=value`, repeatable options, boolean
// flags, positionals, `--` to end options, and errors that say what to type instead.

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help: `--role <role>`. */
  valueName?: string;
  multiple?: boolean;
  required?: boolean;
  choices?: readonly string[];
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  /** e.g. "keys create" */
  name: string;
  summary: string;
  positionals?: PositionalSpec[];
  options?: Record<string, OptionSpec>;
  /** Extra help paragraphs. */
  notes?: string[];
  examples?: string[];
}

export type OptionValues = Record<string, string | string[] | boolean | undefined>;

export interface ParsedArgs {
  options: OptionValues;
  positionals: string[];
  help: boolean;
}

/** A mistake in the command line: exit code 2, with the message and where to look. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const defs = spec.options ?? {};
  const options: OptionValues = {};
  const positionals: string[] = [];
  let help = false;
  const hint = `run "omnihub ${spec.name} --help" for usage`;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown option ${arg}; ${hint}`, spec.name);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const def = defs[name];
    if (!def) {
      const known = Object.keys(defs);
      const near = known.find((k) => k.startsWith(name.slice(0, 3)));
      throw new UsageError(
        `unknown option --${name} for "omnihub ${spec.name}"${near ? ` (did you mean --${near}?)` : ''}; ${hint}`,
        spec.name,
      );
    }
    let value: string | boolean;
    if (def.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value; ${hint}`, spec.name);
      value = true;
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${name} needs a value: --${name} <${def.valueName ?? 'value'}>`, spec.name);
      }
      value = next;
      i++;
    }
    if (def.choices && typeof value === 'string' && !def.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${def.choices.join(', ')} (got "${value}")`, spec.name);
    }
    if (def.multiple) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(value as string);
      options[name] = list;
    } else {
      if (options[name] !== undefined) throw new UsageError(`--${name} was given twice; give it once`, spec.name);
      options[name] = value;
    }
  }
  if (help) return { options, positionals, help };

  for (const [name, def] of Object.entries(defs)) {
    if (def.required && options[name] === undefined) {
      throw new UsageError(`missing --${name} <${def.valueName ?? 'value'}>; ${hint}`, spec.name);
    }
  }
  const wanted = spec.positionals ?? [];
  const required = wanted.filter((p) => p.required !== false);
  if (positionals.length < required.length) {
    const missing = required[positionals.length] as PositionalSpec;
    throw new UsageError(`missing <${missing.name}> (${missing.description}); ${hint}`, spec.name);
  }
  if (positionals.length > wanted.length) {
    throw new UsageError(`unexpected argument "${positionals[wanted.length]}"; ${hint}`, spec.name);
  }
  return { options, positionals, help };
}

/** `key=value` pairs (repeatable options) as a record; the first `=` splits. */
export function keyValues(values: string[] | undefined, option: string, command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${option} takes key=value (got "${v}")`, command);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export function helpText(spec: CommandSpec): string {
  const pos = (spec.positionals ?? []).map((p) => (p.required === false ? `[${p.name}]` : `<${p.name}>`)).join(' ');
  const lines = [
    `Usage: omnihub ${spec.name}${pos ? ` ${pos}` : ''}${spec.options ? ' [options]' : ''}`,
    '',
    spec.summary,
  ];
  if (spec.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
  }
  if (spec.options && Object.keys(spec.options).length) {
    lines.push('', 'Options:');
    for (const [name, o] of Object.entries(spec.options)) {
      const flag = o.type === 'boolean' ? `--${name}` : `--${name} <${o.valueName ?? 'value'}>`;
      const extra = [o.required ? 'required' : '', o.multiple ? 'repeatable' : '', o.choices ? o.choices.join('|') : '']
        .filter(Boolean)
        .join('; ');
      lines.push(`  ${flag.padEnd(24)} ${o.description}${extra ? ` (${extra})` : ''}`);
    }
  }
  lines.push(`  ${'--help'.padEnd(24)} show this help`);
  for (const n of spec.notes ?? []) lines.push('', n);
  if (spec.examples?.length) {
    lines.push('', 'Examples:');
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return `${lines.join('\n')}\n`;
}
