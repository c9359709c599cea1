// A stand-in scsynth that answers at once, for measuring the client's own cost. Run it as a
// child process (child_process.fork of the compiled file) so it never shares the client's
// event loop; it reports its port to the parent over IPC and exits when the parent goes.
// It answers what SCServer.remote() needs to initialise and ignores everything else.
import * as dgram from 'node:dgram';
import { BareMessage, forEachMessage, oscMessage } from './bareClient';

const STATUS_REPLY = oscMessage('/status.reply', [
  ['i', 1], ['i', 0], ['i', 0], ['i', 1], ['i', 0], ['f', 0.1], ['f', 0.2], ['d', 48000], ['d', 48000],
]);
const VERSION_REPLY = oscMessage('/version.reply', [['s', 'scsynth'], ['i', 3], ['i', 13], ['s', '.0'], ['s', 'stand-in'], ['s', '0000000']]);

function answer(message: BareMessage): Buffer | undefined {
  switch (message.address) {
    case '/status':
      return STATUS_REPLY;
    case '/notify':
      return oscMessage('/done', [['s', '/notify'], ['i', typeof message.args[1] === 'number' ? message.args[1] : 0], ['i', 8]]);
    case '/d_loadDir':
      return oscMessage('/done', [['s', '/d_loadDir']]);
    case '/d_recv':
      return oscMessage('/done', [['s', '/d_recv']]);
    case '/g_queryTree':
      return oscMessage('/g_queryTree.reply', [['i', typeof message.args[1] === 'number' ? message.args[1] : 0], ['i', 0], ['i', 0]]);
    case '/sync':
      return oscMessage('/synced', [['i', typeof message.args[0] === 'number' ? message.args[0] : 0]]);
    case '/version':
      return VERSION_REPLY;
    default:
      return undefined;
  }
}

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
socket.on('message', (data, rinfo) => {
  // The hot path: a bare /status is answered without decoding.
  if (data.length === 12 && data.toString('latin1', 0, 8) === '/status\0') {
    socket.send(STATUS_REPLY, rinfo.port, rinfo.address);
    return;
  }
  try {
    forEachMessage(data, (message) => {
      const reply = answer(message);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
  } catch {
    // A stand-in ignores what it cannot read.
  }
});
socket.bind({ address: '127.0.0.1', port: Number(process.env.STANDIN_PORT ?? 0) }, () => {
  const { port } = socket.address();
  if (process.send) process.send({ port });
  else console.log(`stand-in scsynth on 127.0.0.1:${port}`);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
