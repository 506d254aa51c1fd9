"""What every page must do on a phone, checked in the browser: no sideways scrolling, tap
targets of at least 44×44 px, no serious axe violation. `check(page)` says what is wrong with
the page now open; `phones` makes the two phone sizes the journeys are tried at.

Tap targets are visible links, buttons, summaries and the labels of radio buttons and check
boxes (the label is what a thumb hits). As WCAG 2.5.5 allows, a link inside running text (a
sentence with other words in the same block) is exempt: its height is set by the line of text."""

import pytest

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

PHONES = {"320": {"width": 320, "height": 640}, "390": {"width": 390, "height": 844}}


def problems(page, path: str | None = None) -> list[str]:
    """What is wrong with one page (opened first when a path is given); every check runs, so
    one run shows every problem."""
    if path is not None:
        page.goto(path)
    where = path or page.url
    found = []
    width = page.viewport_size["width"]
    if (scroll := page.evaluate("() => document.documentElement.scrollWidth")) > width:
        found.append(f"{where} scrolls sideways ({scroll} px wide at {width})")
    if small := page.evaluate(SMALL_TARGETS):
        found.append(f"{where}: tap targets under 44×44 px: {small}")
    try:
        assert_accessible(page)
    except AssertionError as e:
        found.append(str(e))
    return found


def check(page) -> list[str]:
    """What is wrong with the page open now."""
    return problems(page)


@pytest.fixture(params=sorted(PHONES))
def any_phone(request, browser, app, live_server):
    """A fresh browser page at 320×640 and, in a second run, at 390×844."""
    context = browser.new_context(viewport=PHONES[request.param], base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


def new_phone(browser, live_server, size: str = "390", javascript: bool = True):
    """Another phone (its own cookies), for a second pupil or a teacher; close its context after."""
    context = browser.new_context(viewport=PHONES[size], base_url=live_server, java_script_enabled=javascript)
    page = context.new_page()
    page.no_js = not javascript
    return page
