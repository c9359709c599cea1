import { strict as assert } from 'node:assert';
import { formatVersion, parseStatusReply, parseVersionReply } from '../../src/core/scsynth/serverStatus';

describe('parseStatusReply', () => {
  it('maps /status.reply fields, avgCpu from the average (not the peak as sc3nb did)', () => {
    assert.deepEqual(parseStatusReply([1, 12, 3, 9, 6, 1.5, 2.5, 48000, 48001.2]), {
      numUgens: 12,
      numSynths: 3,
      numGroups: 9,
      numSynthdefs: 6,
      avgCpu: 1.5,
      peakCpu: 2.5,
      nominalSr: 48000,
      actualSr: 48001.2,
    });
  });

  it('throws on a malformed reply, naming the field', () => {
    assert.throws(() => parseStatusReply([]), /numUGens/);
    assert.throws(() => parseStatusReply([1, 12, 3, 9, 6, 1.5, 2.5, 48000]), /actualSampleRate/);
    assert.throws(() => parseStatusReply([1, 12, 'three', 9, 6, 1.5, 2.5, 48000, 48000]), /numSynths.*"three"/);
    assert.throws(() => parseStatusReply([1, 12, 3, 9, 6, null, 2.5, 48000, 48000]), /avgCPU/);
  });
});

describe('parseVersionReply', () => {
  it('parses scsynth 3.13', () => {
    const version = parseVersionReply(['scsynth', 3, 13, '.0', '', 'na']);
    assert.deepEqual(version, {
      name: 'scsynth',
      majorVersion: 3,
      minorVersion: 13,
      patchVersion: '.0',
      gitBranch: '',
      commit: 'na',
    });
    assert.equal(formatVersion(version), 'scsynth 3.13.0');
  });

  it('throws on a malformed reply', () => {
    assert.throws(() => parseVersionReply([]), /major version/);
    assert.throws(() => parseVersionReply(['scsynth', '3', 13, '.0', '', 'na']), /major version/);
    assert.throws(() => parseVersionReply(['scsynth', 3]), /minor version/);
  });
});
