import type { OscArgument, OscBundle, OscMessage, TimeTag } from '../osc/oscCodec';

/** Collects messages into one timed bundle (sc3nb's Bundler). */
export class Bundler {
  readonly packets: Array<OscMessage | OscBundle> = [];

  constructor(private readonly target: { send(packet: OscBundle): void }, readonly timeTag: TimeTag) {}

  add(message: OscMessage | OscBundle): this;
  add(address: string, args?: OscArgument[]): this;
  add(messageOrAddress: OscMessage | OscBundle | string, args: OscArgument[] = []): this {
    this.packets.push(typeof messageOrAddress === 'string' ? { address: messageOrAddress, args } : messageOrAddress);
    return this;
  }

  toPacket(): OscBundle {
    return { timeTag: this.timeTag, packets: [...this.packets] };
  }

  send(): void {
    this.target.send(this.toPacket());
  }
}
