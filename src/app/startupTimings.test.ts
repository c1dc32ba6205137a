// The model panel's start-up line: order, units, phases left out until measured.
import { describe, expect, it } from 'vitest';
import { formatStartupTimings } from './startupTimings.ts';

describe('formatStartupTimings', () => {
  it('lists page and worker phases in start-up order with their units', () => {
    const line = formatStartupTimings({ taxonomy: 320.4, labels: 150 }, { model: 900, cache: 1234, selfCheck: 80, taxonomy: 410, ready: 2600, lexicalIndex: 300 });
    expect(line).toBe('Start-up: taxonomy 320 ms · labels 150 ms · worker taxonomy 410 ms · model 900 ms · cache 1.2 s · self-check 80 ms · engine ready after 2.6 s');
  });

  it('leaves out phases not measured yet and says nothing when none is', () => {
    expect(formatStartupTimings({ taxonomy: 99.6 }, undefined)).toBe('Start-up: taxonomy 100 ms');
    expect(formatStartupTimings({ labels: 40, labelsStored: true }, undefined)).toBe('Start-up: labels (stored) 40 ms');
    expect(formatStartupTimings({}, { model: 5 })).toBe('Start-up: model 5 ms');
    expect(formatStartupTimings({}, {})).toBeNull();
    expect(formatStartupTimings({ labels: Number.NaN }, {})).toBeNull();
  });
});
