import { StringDecoder } from 'node:string_decoder';

/** Turns stream chunks into whole lines; a line (or a UTF-8 character) split across chunks is joined. */
export class LineSplitter {
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string | Buffer): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  /** Emits what is left at the end of the stream. */
  flush(): void {
    const rest = this.partial + this.decoder.end();
    if (rest) this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
    this.partial = '';
  }
}
