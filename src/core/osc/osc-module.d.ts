// The osc package ships no types; we import its codec alone (src/osc.js), not the package
// root, which would pull in serialport and ws. Only what the codec wrapper uses is declared.
declare module 'osc/src/osc.js' {
  interface OscJsOptions {
    metadata?: boolean;
    unpackSingleArgs?: boolean;
  }
  const osc: {
    writePacket(packet: unknown, options?: OscJsOptions): Uint8Array;
  };
  export = osc;
}
