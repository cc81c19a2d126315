import { describe, expect, it } from 'vitest';
import { SlowStart } from './slow-start.js';

describe('SlowStart', () => {
  it('imposes no limit until a ramp begins', () => {
    const ramp = new SlowStart({ initialWindow: 2, maxWindow: 8 });
    expect(ramp.window).toBe(Infinity);
    ramp.success();
    expect(ramp.window).toBe(Infinity);
  });

  it('grows by one per success from initialWindow and ends at maxWindow', () => {
    const ramp = new SlowStart({ initialWindow: 2, maxWindow: 5 });
    ramp.begin();
    expect(ramp.window).toBe(2);
    ramp.success();
    expect(ramp.window).toBe(3);
    ramp.success();
    expect(ramp.window).toBe(4);
    ramp.success();
    expect(ramp.active).toBe(false);
    expect(ramp.window).toBe(Infinity);
  });

  it('halves on a failure, never below initialWindow', () => {
    const ramp = new SlowStart({ initialWindow: 2, maxWindow: 100 });
    ramp.begin();
    for (let i = 0; i < 8; i += 1) ramp.success();
    expect(ramp.window).toBe(10);
    ramp.failure();
    expect(ramp.window).toBe(5);
    ramp.failure();
    ramp.failure();
    expect(ramp.window).toBe(2);
    ramp.end();
    expect(ramp.window).toBe(Infinity);
  });

  it('is a no-op when the initial window already reaches the maximum', () => {
    const ramp = new SlowStart({ initialWindow: 4, maxWindow: 2 });
    ramp.begin();
    expect(ramp.active).toBe(false);
  });
});
