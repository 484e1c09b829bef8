import { describe, expect, it } from 'vitest';
import { simulatorBanner } from '../../src/server/start.js';
import { useEmbeddedServer } from '../support/embedded-server.js';

describe('the simulator-mode banner', () => {
  const embedded = useEmbeddedServer();

  it('names every simulated platform with its apps and where its simulator answers', () => {
    const banner = simulatorBanner(embedded.server);
    expect(embedded.server.platforms.map((platform) => platform.provider).sort()).toEqual(['alipay', 'baidu', 'douyin', 'kuaishou', 'qq']);
    for (const platform of embedded.server.platforms) {
      expect(banner).toContain(`${platform.title}: ${platform.apps.join(', ')} (${embedded.server.url}/sim/${platform.provider})`);
    }
    expect(banner).toContain(`${embedded.server.url}/sim/control/codes`);
  });
});
