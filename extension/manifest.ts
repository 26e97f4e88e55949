/** The MV3 manifest: a side panel beside the POS, an options page for pairing, a sync worker. */
import { defineManifest } from '@crxjs/vite-plugin';

export const manifest = defineManifest({
  manifest_version: 3,
  name: 'Store loyalty for cashiers',
  description:
    'Find or enroll members, earn and redeem points, coupons and stamps, beside the POS. Works offline.',
  version: '0.1.0',
  minimum_chrome_version: '116',
  action: { default_title: 'Open the loyalty panel' },
  background: { service_worker: 'src/background.ts', type: 'module' },
  side_panel: { default_path: 'sidepanel.html' },
  options_page: 'options.html',
  // Minimal permissions: storage quota, the periodic sync alarm, the side panel. The API is
  // reached with CORS and a bearer token, so no host permission is needed for it.
  permissions: ['storage', 'unlimitedStorage', 'alarms', 'sidePanel', 'scripting'],
  // The POS bridge runs on the demo POS that npm start serves on this machine out of the box;
  // other POS sites are granted at run time from the options page (optional permissions).
  content_scripts: [
    {
      matches: ['http://127.0.0.1/demo-pos/*', 'http://localhost/demo-pos/*'],
      js: ['src/pos-bridge.ts'],
    },
  ],
  optional_host_permissions: ['https://*/*', 'http://*/*'],
});
