// The floor for section 7: the same traffic as the meters and the scope (a 4-channel meter synth
// replying 24 times a second, the scope's ring of two 2 × 1,024-frame pictures read on every
// other meter reply), written against node:dgram with as little JavaScript as it can have. Run
// as a child process (fork of the compiled file) so its CPU is its own; the parent sends
// { measure: seconds } and gets { cpuPercent, pictures, meterReplies } back, then { stop: true }.
import * as dgram from 'node:dgram';
import { addressOf, oscMessage } from './bareClient';

const port = Number(process.argv[2]);
const FRAMES = 1024;
const CHANNELS = 2;
const RING = 2 * FRAMES;
const BUFNUM = 1000;
const METER_NODE = 990_001;
const SCOPE_NODE = 990_002;

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
const send = (data: Uint8Array) => socket.send(data, port, '127.0.0.1');
const READ = oscMessage('/b_getn', [['i', BUFNUM], ['i', 0], ['i', (RING + 1) * CHANNELS]]);

let meterReplies = 0;
let pictures = 0;
let reading = false;
let awaitingDone: ((address: string) => void) | undefined;

/** The pictures out of a /b_setn reply, read straight from its bytes. */
function takePictures(data: Buffer): void {
  // "/b_setn\0" (8 bytes), then the type tags (",iii" and a float per value, padded), then three ints.
  const tags = data.indexOf(0, 9);
  const at = ((tags + 4) & ~3) + 12;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const newest = view.getFloat32(at + RING * CHANNELS * 4);
  let frame = (Math.floor(newest) + 1) % RING;
  for (let p = 0; p < 2; p++) {
    const out = [new Float32Array(FRAMES), new Float32Array(FRAMES)];
    for (let i = 0; i < FRAMES; i++) {
      const from = at + frame * CHANNELS * 4;
      out[0][i] = view.getFloat32(from);
      out[1][i] = view.getFloat32(from + 4);
      frame = (frame + 1) % RING;
    }
    pictures++;
  }
}

socket.on('message', (data) => {
  // Addresses told apart by their bytes: "/sclive/meter", "/b_setn", "/done".
  if (data[1] === 0x73 && data[8] === 0x6d) {
    meterReplies++;
    if (meterReplies % 2 === 0 && !reading) {
      reading = true;
      send(READ);
    }
  } else if (data[1] === 0x62 && data[3] === 0x73) {
    reading = false;
    takePictures(data);
  } else if (awaitingDone && data[1] === 0x64) {
    awaitingDone(addressOf(data));
  }
});

function request(data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('scsynth did not answer the bare client')), 5000);
    awaitingDone = () => {
      clearTimeout(timer);
      awaitingDone = undefined;
      resolve();
    };
    send(data);
  });
}

async function start(): Promise<void> {
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  await request(oscMessage('/notify', [['i', 1]]));
  await request(oscMessage('/b_alloc', [['i', BUFNUM], ['i', RING + 1], ['i', CHANNELS]]));
  send(oscMessage('/s_new', [['s', 'sclive_meter_4ch'], ['i', METER_NODE], ['i', 1], ['i', 0], ['s', 'bus'], ['i', 0], ['s', 'rate'], ['i', 24]]));
  send(oscMessage('/s_new', [['s', 'sclive_scope_2ch'], ['i', SCOPE_NODE], ['i', 1], ['i', 0], ['s', 'bus'], ['i', 0], ['s', 'bufnum'], ['i', BUFNUM], ['s', 'rate'], ['i', 0]]));
}

async function stop(): Promise<void> {
  send(oscMessage('/n_free', [['i', METER_NODE], ['i', SCOPE_NODE]]));
  await request(oscMessage('/b_free', [['i', BUFNUM]])).catch(() => undefined);
  await request(oscMessage('/notify', [['i', 0]])).catch(() => undefined);
  socket.close();
}

process.on('message', (message: { measure?: number; stop?: boolean }) => {
  if (message.measure) {
    const seconds = message.measure;
    const pictures0 = pictures;
    const meters0 = meterReplies;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    setTimeout(() => {
      const wallMs = performance.now() - t0;
      const used = process.cpuUsage(cpu0);
      process.send?.({
        cpuPercent: ((used.user + used.system) / 1000 / wallMs) * 100,
        picturesPerSecond: (pictures - pictures0) / (wallMs / 1000),
        meterUpdatesPerSecond: (meterReplies - meters0) / (wallMs / 1000),
      });
    }, seconds * 1000);
  } else if (message.stop) {
    void stop().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));

start().then(
  () => process.send?.({ ready: true }),
  (error: Error) => {
    process.send?.({ error: error.message });
    process.exit(1);
  },
);
