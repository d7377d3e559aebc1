// The CLI's argument parser and CSV reader.
import { describe, expect, it } from 'vitest';
import { type CommandSpec, helpText, keyValues, parseArgs, UsageError } from '../../api/cli/args.ts';
import { CsvError, parseCsv } from '../../api/stock-import/csv.ts';

const spec: CommandSpec = {
  name: 'things add',
  summary: 'Add things.',
  positionals: [{ name: 'file', description: 'a file' }],
  options: {
    role: { type: 'string', required: true, choices: ['a', 'b'], description: 'role' },
    tag: { type: 'string', multiple: true, description: 'tag' },
    dry: { type: 'boolean', description: 'dry' },
  },
};

describe('parseArgs', () => {
  it('reads options in both spellings, repeatable options, flags and positionals', () => {
    expect(parseArgs(spec, ['--role', 'a', '--tag=x', 'f.csv', '--tag', 'y=z', '--dry'])).toEqual({
      options: { role: 'a', tag: ['x', 'y=z'], dry: true },
      positionals: ['f.csv'],
      help: false,
    });
    expect(parseArgs(spec, ['--role=b', '--', '--not-an-option']).positionals).toEqual(['--not-an-option']);
    expect(parseArgs(spec, ['--help']).help).toBe(true);
  });

  it('says what to type instead', () => {
    const cases: [string[], RegExp][] = [
      [['f'], /missing --role <value>; run "omnihub things add --help"/],
      [['--role', 'c', 'f'], /--role must be one of a, b \(got "c"\)/],
      [['--rol', 'a', 'f'], /unknown option --rol .*did you mean --role\?/],
      [['--role', 'a'], /missing <file> \(a file\)/],
      [['--role', 'a', 'f', 'g'], /unexpected argument "g"/],
      [['--role', 'a', '--role', 'b', 'f'], /--role was given twice/],
      [['f', '--role'], /--role needs a value/],
      [['--dry=1', '--role', 'a', 'f'], /--dry takes no value/],
      [['-x', '--role', 'a', 'f'], /unknown option -x/],
    ];
    for (const [argv, re] of cases) expect(() => parseArgs(spec, argv), argv.join(' ')).toThrow(re);
    expect(() => parseArgs(spec, ['f'])).toThrow(UsageError);
  });

  it('reads key=value pairs', () => {
    expect(keyValues(['a=1', 'b=x=y'], 'credential', 'c')).toEqual({ a: '1', b: 'x=y' });
    expect(() => keyValues(['novalue'], 'credential', 'c')).toThrow(/--credential takes key=value/);
  });

  it('writes help with every option', () => {
    const text = helpText(spec);
    expect(text).toContain('Usage: omnihub things add <file> [options]');
    expect(text).toMatch(/--role <value>\s+role \(required; a\|b\)/);
    expect(text).toMatch(/--tag <value>\s+tag \(repeatable\)/);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM and blank lines, with line numbers', () => {
    const text = '\ufeffsku,location,on_hand\r\n"A,1",wh,"3"\r\n\r\n"say ""hi""",wh,"multi\nline"\nB,wh,4';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['sku', 'location', 'on_hand'] },
      { line: 2, fields: ['A,1', 'wh', '3'] },
      { line: 4, fields: ['say "hi"', 'wh', 'multi\nline'] },
      { line: 6, fields: ['B', 'wh', '4'] },
    ]);
  });

  it('refuses malformed quoting with the line', () => {
    expect(() => parseCsv('a,b\n"open,c')).toThrow(/line 2: a quoted field is not closed/);
    expect(() => parseCsv('a,b\nx"y,c')).toThrow(CsvError);
    expect(() => parseCsv('a,b\n"x"y,c')).toThrow(/line 2: text after a closing quote/);
  });
});

describe('progress', () => {
  it('redraws a bar on a TTY and writes plain lines otherwise', async () => {
    const { progress } = await import('../../api/cli/progress.ts');
    let tty = '';
    const bar = progress({ write: (t: string) => (tty += t), isTTY: true, columns: 80 }, 'import');
    bar.update(5, 10);
    bar.finish();
    expect(tty).toContain('\rimport [');
    expect(tty).toContain('5/10');
    expect(tty.endsWith('\n')).toBe(true);
    let plain = '';
    const lines = progress({ write: (t: string) => (plain += t), isTTY: false }, 'sync a');
    lines.update(1, null, 'page(s)');
    lines.update(2, null, 'page(s)');
    lines.finish('ok');
    expect(plain.split('\n').slice(0, 2)).toEqual(['sync a: 1 page(s)', 'sync a: 2 page(s)']);
    expect(plain).not.toContain('\r');
  });
});
