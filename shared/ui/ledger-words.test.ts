import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../rules';
import { eventTypeText, rejectReasonText } from './ledger-words';

describe('the ledger in words', () => {
  it('words every event type in Korean and English, and passes an unknown one through', () => {
    for (const type of EVENT_TYPES) {
      expect(eventTypeText(type, 'ko'), type).toMatch(/[가-힣]/);
      expect(eventTypeText(type, 'en'), type).not.toBe(type);
    }
    expect(eventTypeText('purchase_recorded')).toBe('구매');
    expect(eventTypeText('gift_card_loaded', 'en')).toBe('gift_card_loaded');
  });

  it("says why the endpoint rejected an event, and passes a newer endpoint's reason through", () => {
    expect(rejectReasonText('duplicate_purchase')).toBe('이미 기록된 구매');
    expect(rejectReasonText('occurred_in_future', 'en')).toContain('clock is fast');
    expect(rejectReasonText('some_new_reason', 'ko')).toBe('some_new_reason');
  });
});
