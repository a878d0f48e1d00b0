import { describe, expect, it } from 'vitest';
import { WorkerStateMachine } from './worker-state.ts';
import type { WorkerState } from './worker-state.ts';

describe('WorkerStateMachine', () => {
  it('starts in starting', () => {
    expect(new WorkerStateMachine().state).toBe('starting');
  });

  it('follows the normal life', () => {
    const machine = new WorkerStateMachine();
    const seen: [WorkerState, WorkerState][] = [];
    machine.onChange((state, previous) => seen.push([previous, state]));
    machine.moveTo('running');
    machine.moveTo('draining');
    machine.moveTo('stopped');

    expect(seen).toEqual([
      ['starting', 'running'],
      ['running', 'draining'],
      ['draining', 'stopped'],
    ]);
  });

  it('rejects leaving a final state', () => {
    const machine = new WorkerStateMachine();
    machine.moveTo('failed');

    expect(() => machine.moveTo('running')).toThrow(/cannot move from failed to running/);
  });

  it('rejects running after draining', () => {
    const machine = new WorkerStateMachine();
    machine.moveTo('draining');

    expect(machine.canMoveTo('running')).toBe(false);
  });
});
