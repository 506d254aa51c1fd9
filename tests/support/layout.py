"""What every page must pass on a phone: nothing scrolls sideways, every tap target is at least
44×44 px, and axe finds no serious or critical problem.

Tap targets are visible links, buttons, summaries and the labels of radio buttons and check
boxes (the label is what a thumb hits). As WCAG 2.5.5 allows, a link inside running text (a
sentence with other words in the same block) is exempt: its height is set by the line of text."""

from conftest import assert_accessible

SMALL_TARGETS = """() => {
  const seen = new Set(), small = [];
  const visible = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && !el.closest('.visually-hidden'); };
  const inRunningText = a => {
    if (getComputedStyle(a).display !== 'inline') return false;
    let block = a.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    return block && block.textContent.replace(/\\s+/g, ' ').trim().length > a.textContent.trim().length + 3;
  };
  for (let el of document.querySelectorAll('a[href], button, summary, input[type=radio], input[type=checkbox]')) {
    if (el.matches('input')) el = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    if (seen.has(el) || !visible(el) || (el.matches('a') && inRunningText(el))) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    if (r.width < 44 || r.height < 44)
      small.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return small;
}"""


def problems(page, path: str | None = None) -> list[str]:
    """What is wrong with one page; every page is visited so one run shows every problem."""
    if path is not None:
        page.goto(path)
    path = path or page.url
    found = []
    viewport = page.viewport_size["width"]
    if (width := page.evaluate("() => document.documentElement.scrollWidth")) > viewport:
        found.append(f"{path} scrolls sideways ({width} px wide on a {viewport} px screen)")
    if small := page.evaluate(SMALL_TARGETS):
        found.append(f"{path}: tap targets under 44×44 px: {small}")
    try:
        assert_accessible(page)
    except AssertionError as e:
        found.append(str(e))
    return found
