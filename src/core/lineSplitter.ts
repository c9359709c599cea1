/** Turns stream chunks into whole lines; a line split across chunks is joined. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string | Buffer): void {
    const text = this.partial + chunk.toString();
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  /** Emits what is left at the end of the stream. */
  flush(): void {
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
  }
}
