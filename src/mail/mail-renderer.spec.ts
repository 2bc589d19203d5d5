import { htmlToText, MailRenderer, unescapeHtml } from './mail-renderer';

describe('MailRenderer', () => {
  const renderer = new MailRenderer();

  it('takes the subject from the first line as plain text, unescaped, and escapes the same text in the HTML', () => {
    const r = renderer.render('notice', 'en', { heading: 'Q&A <today>', paragraphs: ['Tom "T" O\'Neil'] });
    expect(r.subject).toBe('Q&A <today>');
    expect(r.html).toContain('<h1 style="font-size:20px">Q&amp;A &lt;today&gt;</h1>');
    expect(r.html).toContain('Tom &quot;T&quot; O&#39;Neil');
    expect(r.text.split('\n\n').slice(0, 2)).toEqual(['Q&A <today>', 'Tom "T" O\'Neil']);
  });

  it('drops a link that is not http(s) rather than render a javascript: button', () => {
    const r = renderer.render('notice', 'vi', { heading: 'x', paragraphs: [], link: { url: 'javascript:alert(1)', label: 'Bấm' } });
    expect(r.html).not.toContain('javascript:');
    expect(r.html).toContain('lang="vi"');
  });

  it('refuses an unknown template or a name that walks out of the folder', () => {
    expect(() => renderer.render('invitation-nope', 'en', {})).toThrow(/no mail template "invitation-nope"/);
    expect(() => renderer.render('../layout', 'en', {})).toThrow(/no mail template/);
  });

  it('turns links into "label: url" and decodes entities in the text part', () => {
    expect(htmlToText('<p>Hi &amp; bye</p><p><a href="https://x.test/a">Open</a></p>')).toBe('Hi & bye\n\nOpen: https://x.test/a');
    expect(unescapeHtml('&#x1F600; &#39;a&#39; &lt;')).toBe("😀 'a' <");
  });
});
