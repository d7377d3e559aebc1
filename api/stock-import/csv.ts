// A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF, and the line
// number where each record starts (for error messages people can act on).

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  let afterQuote = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (afterQuote && ch !== ',' && ch !== '\n' && ch !== '\r') {
      throw new CsvError(line, 'text after a closing quote (quote the whole field)');
    }
    afterQuote = false;
    if (ch === '"') {
      if (field !== '') throw new CsvError(line, 'a quote inside an unquoted field (quote the whole field)');
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new CsvError(recordLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

/**
 * The records of an import file, or the one error that stops reading it (an unclosed quote),
 * as the row error an import reports: both importers read their files this way.
 */
export function readCsvRecords(text: string): { records: CsvRecord[] } | { error: { line: number; reason: string } } {
  try {
    return { records: parseCsv(text) };
  } catch (e) {
    if (e instanceof CsvError) return { error: { line: e.line, reason: e.message.replace(/^line \d+: /, '') } };
    throw e;
  }
}
