// The errors SCServer's callers handle by name (the extension maps `option` to its setting).

export class PortInUseError extends Error {
  /** The option to change (the extension names its setting). */
  readonly option = 'udpPort';
  constructor(readonly port: number, readonly byScsynth: boolean) {
    super(
      byScsynth
        ? `UDP port ${port} is already used by a running scsynth. Connect to it (Connect to Remote Server, 127.0.0.1:${port}), quit it, or choose another port.`
        : `UDP port ${port} is already in use by another program. Choose another port or stop that program.`,
    );
    this.name = 'PortInUseError';
  }
}

/** quit() was called while the server was booting (or connecting): the boot stopped. */
export class BootCancelledError extends Error {
  constructor() {
    super('The boot was cancelled: the server was quit while booting.');
    this.name = 'BootCancelledError';
  }
}

/** scsynth gave this client an id that sclang's conventions cannot use (above 31). */
export class ClientIdError extends Error {
  constructor(readonly clientId: number) {
    super(`scsynth has no client id from 0 to 31 free (it offered ${clientId}): quit a client of this server, or boot it with a maxLogins of 32 or less.`);
    this.name = 'ClientIdError';
  }
}

export class ServerNotRunningError extends Error {
  constructor(action: string) {
    super(`Cannot ${action}: the server is not running. Boot it or connect to a running server first.`);
    this.name = 'ServerNotRunningError';
  }
}
