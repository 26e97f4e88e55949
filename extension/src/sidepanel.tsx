/**
 * The side panel: locked until a staff PIN unlocks it (and again after 5 minutes without a
 * touch, or once a sync says the owner removed the one signed in); status always visible; find
 * or enroll a member; checkout, refund, adjust.
 */
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { AUTO_LOCK_MS, lock, refreshStatus } from './panel/actions';
import { Adjust, Checkout, Details, Enroll, Refund, Tabs } from './panel/forms';
import { MemberCard, Message, Rejected, Search, StatusBar, Unlock } from './panel/parts';
import { usePanel } from './panel/store';

function Panel() {
  const { staff, view, status, member, set } = usePanel();
  useEffect(() => {
    void refreshStatus();
    const timer = setInterval(async () => {
      await refreshStatus();
      const s = usePanel.getState();
      if (!s.staff) return;
      if (Date.now() - s.lastTouch > AUTO_LOCK_MS) lock();
      // Removed by the owner (they left): their session ends with the sync that says so.
      else if (s.status && !s.status.staff_ids.includes(s.staff.staff_id)) lock();
    }, 3_000);
    const touch = () => set({ lastTouch: Date.now() });
    window.addEventListener('pointerdown', touch);
    window.addEventListener('keydown', touch);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pointerdown', touch);
      window.removeEventListener('keydown', touch);
    };
  }, []);
  return (
    <>
      <StatusBar />
      <main>
        <Rejected />
        {status?.paired && !staff && <Unlock />}
        {staff && (
          <>
            <Search />
            <Message />
            {view === 'enroll' && !member && <Enroll />}
            <MemberCard />
            <Tabs />
            {member && view === 'checkout' && <Checkout />}
            {member && view === 'refund' && <Refund />}
            {member && view === 'adjust' && <Adjust />}
            {member && view === 'details' && <Details />}
          </>
        )}
      </main>
    </>
  );
}

render(<Panel />, document.getElementById('app') as HTMLElement);
