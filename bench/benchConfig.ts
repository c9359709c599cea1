// The bench's flags: each section's sizes, from --flag=value or BENCH_FLAG_NAME=value (see --help).

export interface Config {
  sections: Set<number>;
  bootRuns: number;
  bootPeriod: number;
  statusN: number;
  statusWarmup: number;
  statusPeriod: number;
  burstPairs: number;
  burstPeriods: number[];
  windows: number[];
  queryPeriod: number;
  querySizes: number[];
  queryRuns: number;
  decodeRuns: number;
  treeNotifications: number;
  treeRuns: number;
  treeRates: number[];
  treeSeconds: number;
  auditFuzz: number;
  auditCycles: number;
  auditCrashRuns: number;
  auditFlood: number;
  instrumentRounds: number;
  takeRounds: number;
  takeFrees: number;
  instrumentSeconds: number;
  recoveryRuns: number;
}

const FLAGS: Record<string, [keyof Config, string]> = {
  sections: ['sections', 'sections to run, e.g. 1,2,3,4,5,6,7,8,9,10,11,12,13,14'],
  'boot-runs': ['bootRuns', 'boots per side in section 1 (7)'],
  'boot-period': ['bootPeriod', 'JACK period in frames for section 1 (1024)'],
  'status-n': ['statusN', '/status round trips per side in section 2 (2000)'],
  'status-warmup': ['statusWarmup', 'untimed warm-up round trips per side (500)'],
  'status-period': ['statusPeriod', 'JACK period for section 2a (64)'],
  'burst-pairs': ['burstPairs', '/s_new + /n_free pairs per burst in section 3 (10000)'],
  'burst-periods': ['burstPeriods', 'JACK periods for section 3 (1024,64)'],
  windows: ['windows', 'sendMany window sizes; -1 = the default window, 0 = unpaced (-1,0)'],
  'query-period': ['queryPeriod', 'JACK period for section 4 (64)'],
  'query-sizes': ['querySizes', 'synth counts for section 4 (2500,5000,20000)'],
  'tree-rates': ['treeRates', 'node notifications per second for section 5 (25,200,1000)'],
  'tree-seconds': ['treeSeconds', 'seconds per rate in section 5 (3)'],
  'audit-fuzz': ['auditFuzz', 'fuzzed packets in section 6 (1000000)'],
  'audit-cycles': ['auditCycles', 'boot/quit cycles in section 6 (100)'],
  'audit-crash-runs': ['auditCrashRuns', 'killed scsynth / JACK runs in section 6 (5)'],
  'audit-flood': ['auditFlood', 'stray datagrams in section 6 (40000)'],
  'instrument-rounds': ['instrumentRounds', 'windows without and with meters + scope in section 7 (8)'],
  'instrument-seconds': ['instrumentSeconds', 'seconds per window in section 7 (2)'],
  'recovery-runs': ['recoveryRuns', 'frozen servers recovered in section 10, and as many by the old Reboot (5)'],
  'take-rounds': ['takeRounds', 'takes per kind of free in section 9, each through take-frees frees (3)'],
  'take-frees': ['takeFrees', 'frees per take in section 9 (10)'],
  'query-runs': ['queryRuns', 'queries per size and variant (5)'],
  'decode-runs': ['decodeRuns', 'decodes of the captured reply per side (200)'],
};

export function parseConfig(argv: string[]): Config {
  const config: Config = {
    sections: new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    takeRounds: 3,
    takeFrees: 10,
    instrumentRounds: 8,
    instrumentSeconds: 2,
    recoveryRuns: 5,
    bootRuns: 7,
    bootPeriod: 1024,
    statusN: 2000,
    statusWarmup: 500,
    statusPeriod: 64,
    burstPairs: 10_000,
    burstPeriods: [1024, 64],
    windows: [-1, 0],
    queryPeriod: 64,
    querySizes: [2500, 5000, 20_000],
    queryRuns: 5,
    decodeRuns: 200,
    treeNotifications: 200_000,
    treeRuns: 7,
    treeRates: [25, 200, 1000],
    treeSeconds: 3,
    auditFuzz: 1_000_000,
    auditCycles: 100,
    auditCrashRuns: 5,
    auditFlood: 40_000,
  };
  const raw = new Map<string, string>();
  for (const [flag] of Object.entries(FLAGS)) {
    const env = process.env[`BENCH_${flag.toUpperCase().replace(/-/g, '_')}`];
    if (env !== undefined) raw.set(flag, env);
  }
  let quick = process.env.BENCH_QUICK === '1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log('Usage: npm run bench -- [--quick] [--flag=value ...]   (or BENCH_FLAG_NAME=value)\n');
      for (const [flag, [, text]] of Object.entries(FLAGS)) console.log(`  --${flag.padEnd(14)} ${text}`);
      console.log('  --quick          small sizes for a quick check (BENCH_QUICK=1)');
      process.exit(0);
    }
    if (arg === '--quick') {
      quick = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !FLAGS[match[1]]) throw new Error(`unknown argument ${arg}; see --help`);
    raw.set(match[1], match[2] ?? argv[++i]);
  }
  if (quick) {
    Object.assign(config, {
      bootRuns: 3, statusN: 400, statusWarmup: 300, burstPairs: 2000, burstPeriods: [1024], windows: [-1, 0],
      querySizes: [2500, 5000], queryRuns: 2, decodeRuns: 50, treeNotifications: 20_000, treeRuns: 3, treeSeconds: 1,
      auditFuzz: 100_000, auditCycles: 10, auditCrashRuns: 2, auditFlood: 5_000,
    });
  }
  for (const [flag, value] of raw) {
    const key = FLAGS[flag][0];
    const numbers = value.split(',').filter((v) => v.trim() !== '').map((v) => Number(v));
    if (numbers.some((n) => !Number.isFinite(n) || (n < 0 && !(key === 'windows' && n === -1)))) throw new Error(`--${flag} wants numbers, got ${value}`);
    if (key === 'sections') config.sections = new Set(numbers);
    else if (key === 'burstPeriods' || key === 'windows' || key === 'querySizes' || key === 'treeRates') (config[key]) = numbers;
    else (config[key]) = numbers[0];
  }
  return config;
}
