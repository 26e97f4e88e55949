/**
 * The kiosk is a public screen: after a sync it reads the member on screen again, and a
 * customer who tapped "start over" while that read was under way must not be shown again.
 * The kiosk's own actions and store, on its device database (fake-indexeddb).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { showAgain } from '../../kiosk/src/actions';
import { resetSession, useKiosk } from '../../kiosk/src/store';

const onScreen = (memberId: string): void =>
  useKiosk.getState().set({ memberId, screen: 'member', view: null });

describe('kiosk: the member on screen, read again after a sync', () => {
  it('shows the fresh numbers of the member still on screen', async () => {
    onScreen('member-1');
    await showAgain();
    expect(useKiosk.getState()).toMatchObject({ screen: 'member', memberId: 'member-1' });
    expect(useKiosk.getState().view).not.toBeNull();
  });

  it('does not bring back a member whose customer tapped "start over" meanwhile', async () => {
    onScreen('member-1');
    const reading = showAgain();
    resetSession();
    await reading;
    expect(useKiosk.getState()).toMatchObject({ screen: 'start', memberId: null, view: null });
  });

  it('does not show one member in place of the next', async () => {
    onScreen('member-1');
    const reading = showAgain();
    onScreen('member-2');
    await reading;
    expect(useKiosk.getState()).toMatchObject({ memberId: 'member-2', view: null });
  });
});
