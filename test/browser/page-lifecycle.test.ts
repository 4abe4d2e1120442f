import { afterEach, describe, expect, it, vi } from 'vitest';
import { followPageLifecycle } from '../../src/client/leader/page-lifecycle.js';

/** Handlers that record which of them ran, in order. */
function recorder() {
  const calls: string[] = [];
  const handlers = {
    suspend: vi.fn(() => calls.push('suspend')),
    resume: vi.fn(() => calls.push('resume')),
    close: vi.fn(() => calls.push('close')),
  };
  return { calls, handlers };
}

const pageTransition = (type: 'pagehide' | 'pageshow', persisted: boolean) =>
  window.dispatchEvent(new PageTransitionEvent(type, { persisted }));
const documentEvent = (type: 'freeze' | 'resume') => document.dispatchEvent(new Event(type));

describe('followPageLifecycle', () => {
  const controllers: AbortController[] = [];
  const follow = () => {
    const rec = recorder();
    const controller = new AbortController();
    controllers.push(controller);
    followPageLifecycle(rec.handlers, controller.signal);
    return { ...rec, controller };
  };
  afterEach(() => {
    for (const controller of controllers.splice(0)) controller.abort();
  });

  it('closes when the page unloads for good', () => {
    const { calls } = follow();
    pageTransition('pagehide', false);
    expect(calls).toEqual(['close']);
  });

  it('suspends when the page goes into the back/forward cache', () => {
    const { calls } = follow();
    pageTransition('pagehide', true);
    expect(calls).toEqual(['suspend']);
  });

  it('suspends when the page is frozen', () => {
    const { calls } = follow();
    documentEvent('freeze');
    expect(calls).toEqual(['suspend']);
  });

  it('resumes when a frozen page comes back', () => {
    const { calls } = follow();
    documentEvent('freeze');
    documentEvent('resume');
    expect(calls).toEqual(['suspend', 'resume']);
  });

  it('resumes when the page comes back from the back/forward cache', () => {
    const { calls } = follow();
    pageTransition('pagehide', true);
    pageTransition('pageshow', true);
    expect(calls).toEqual(['suspend', 'resume']);
  });

  it('does nothing when the page is shown for the first time', () => {
    const { calls } = follow();
    pageTransition('pageshow', false);
    expect(calls).toEqual([]);
  });

  it('runs no handler once the signal has aborted', () => {
    const { calls, controller } = follow();
    controller.abort();
    pageTransition('pagehide', false);
    pageTransition('pagehide', true);
    pageTransition('pageshow', true);
    documentEvent('freeze');
    documentEvent('resume');
    expect(calls).toEqual([]);
  });

  it('stops only the follower whose signal aborted', () => {
    const stopped = follow();
    const running = follow();
    stopped.controller.abort();
    documentEvent('freeze');
    expect(stopped.calls).toEqual([]);
    expect(running.calls).toEqual(['suspend']);
    expect(running.handlers.suspend).toHaveBeenCalledTimes(1);
  });
});
