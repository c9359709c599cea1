import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is cut, with a mark that says how much was left out. */
export const MAX_LINE_CHARS = 100_000;

/**
 * Turns stream chunks into whole lines; a line (or a UTF-8 character) split across chunks is
 * joined. Linear in the input: the pieces of a long line are joined once, when it ends, and
 * only its first MAX_LINE_CHARS are kept (a program posting a 20 MB line costs no memory).
 */
export class LineSplitter {
  private pieces: string[] = [];
  private kept = 0;
  private cut = 0;
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void, private readonly maxLineChars = MAX_LINE_CHARS) {}

  push(chunk: string | Buffer): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      // The \r of a \r\n is no part of the line (nor of its length).
      this.keep(text.slice(start, newline > start && text[newline - 1] === '\r' ? newline - 1 : newline));
      this.emit();
      start = newline + 1;
    }
    if (start < text.length) this.keep(start === 0 ? text : text.slice(start));
  }

  /** Emits what is left at the end of the stream. */
  flush(): void {
    this.keep(this.decoder.end());
    if (this.kept || this.cut) this.emit();
  }

  private keep(piece: string): void {
    if (!piece) return;
    const room = this.maxLineChars - this.kept;
    if (piece.length <= room) {
      this.pieces.push(piece);
      this.kept += piece.length;
    } else {
      if (room > 0) this.pieces.push(piece.slice(0, room));
      this.kept = this.maxLineChars;
      this.cut += piece.length - Math.max(0, room);
    }
  }

  private emit(): void {
    let line = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    if (this.cut) line += ` … [${this.cut.toLocaleString('en-US')} more characters of this line not shown]`;
    else if (line.endsWith('\r')) line = line.slice(0, -1);
    this.pieces = [];
    this.kept = 0;
    this.cut = 0;
    this.onLine(line ?? '');
  }
}
