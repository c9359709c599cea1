import { strict as assert } from 'node:assert';
import { TreeChangeSpacer, UPDATE_INTERVAL_MS, VIEW_DEBOUNCE_MS } from '../../src/core/server/nodeChangeBatcher';
import { ViewDebounceModel } from '../../bench/viewDebounceModel';
import { HandClock } from './handClock';

describe('TreeChangeSpacer (one view\'s change events, whichever server they come from)', () => {
  it('sends the first change at once, merges the changes of an interval into one event, everything winning over elements', () => {
    const clock = new HandClock();
    const sent: Array<[string[] | undefined, number]> = [];
    const spacer = new TreeChangeSpacer<string>((elements, since) => sent.push([elements, since]), 100, clock.now, clock.timersApi);
    spacer.fire(['drums']);
    assert.deepEqual(sent, [[['drums'], 0]], 'at once');
    clock.advance(10);
    spacer.fire(['pads']);
    clock.advance(10);
    spacer.fire(['pi', 'pads']);
    assert.equal(sent.length, 1, 'held until the interval has passed');
    clock.advance(80);
    assert.deepEqual(sent[1], [['pads', 'pi'], 10], 'one event, the oldest change\'s time');
    spacer.fire(['drums']);
    spacer.fire(undefined);
    clock.advance(100);
    assert.deepEqual(sent[2], [undefined, 100]);
    clock.advance(1000);
    assert.equal(sent.length, 3, 'nothing more without changes');
  });

  it('four servers\' patterns interleaved: the view (VS Code\'s 200 ms debounce) renders every change within 250 ms; straight into the view, it renders none while they play', () => {
    const render = (spaced: boolean) => {
      const clock = new HandClock();
      const view = new ViewDebounceModel(VIEW_DEBOUNCE_MS, clock.now, clock.timersApi);
      const fire = (since: number) => view.fire(since);
      const spacer = new TreeChangeSpacer<number>((_elements, since) => fire(since), UPDATE_INTERVAL_MS, clock.now, clock.timersApi);
      // Each server's batcher sends an update 220 ms after its last, at its own phase.
      const phases = [0, 55, 110, 165];
      for (let t = 0; t < 3000; t += 5) {
        for (const phase of phases) {
          if ((t - phase) % UPDATE_INTERVAL_MS !== 0 || t < phase) continue;
          if (spaced) spacer.fire([phase], clock.now());
          else fire(clock.now());
        }
        clock.advance(5);
      }
      view.dispose();
      return view.delays;
    };
    const spaced = render(true);
    assert.ok(spaced.length >= 12, `${spaced.length} renders in 3 s`);
    assert.ok(Math.max(...spaced) <= 250, `every change on screen within 250 ms (worst ${Math.max(...spaced)} ms)`);
    const straight = render(false);
    assert.equal(straight.length, 1, 'only the first change was rendered while the four kept coming');
  });
});
