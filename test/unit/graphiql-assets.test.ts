import { describe, expect, it } from 'vitest';
import { createGraphiQLAssets } from '../../src/transport/graphiql-assets.js';

describe('GraphiQL page rendering', () => {
  const assets = createGraphiQLAssets();

  it('a title or option cannot break out of the page\'s markup or inline script', async () => {
    const hostile = '</script><img src=x onerror=alert(1)>';
    const html = await assets.render({ title: hostile, defaultQuery: hostile });
    expect(html).not.toContain('</script><img');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;/script&#62;');
  });

  it('asset names carry a hash of their content, stable across renders', async () => {
    const names = (html: string) => [...html.matchAll(/\/graphiql\/[\w.-]+/g)].map((match) => match[0]);
    const first = names(await assets.render({}));
    expect(first).toEqual(names(await createGraphiQLAssets().render({ title: 'Other' })));
    for (const name of first) expect(name).toMatch(/^\/graphiql\/[a-z.]+\.[\w-]{16}\.(js|css|ico)$/);
  });
});
