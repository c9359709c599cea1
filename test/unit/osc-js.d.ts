// osc.js ships no types; the tests use its codec as a reference for our encoder's bytes.
declare module 'osc/src/osc.js' {
  const osc: {
    writePacket(packet: unknown, options?: { metadata?: boolean }): Uint8Array;
    readPacket(data: Uint8Array, options?: { metadata?: boolean; unpackSingleArgs?: boolean }): unknown;
  };
  export = osc;
}
