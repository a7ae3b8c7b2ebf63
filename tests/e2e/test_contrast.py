"""Contrast in every state (WCAG 1.4.3): each button and link style the templates use, at rest, hovered,
focused from the keyboard, pressed and disabled, on the background it is used on.

Each state is forced on purpose (the pointer over it, Tab onto it, the mouse button held down) and the text's
contrast with what is behind it is computed in the browser. Bootstrap animates colours for 0.15 s; axe once
caught a button half-way (#f0f1f2 on #7b838a), so the whole transition into each state is checked too: the
page's animations are frozen (DevTools' Animation.setPlaybackRate 0) and each is sampled from start to end.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

ANNA = "anna.advisor@almi.example"

# Every button variant in the templates and in our own scripts (a new one is checked without touching this).
VARIANT = re.compile(
    r"\bbtn-(?:outline-)?(?:primary|secondary|success|danger|warning|info|light|dark|link|cta)\b"
)
SOURCES = [
    *Path(settings.BASE_DIR, "templates").rglob("*.html"),
    *Path(settings.BASE_DIR, "static/js").glob("*.js"),
]
# Where a variant is used when it is not on the page's white: the light buttons sit on the dark header.
ON_HEADER = {"btn-light", "btn-outline-light"}


def variants_in_use() -> list[str]:
    found = set()
    for path in SOURCES:
        found.update(VARIANT.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


# The other interactive styles: (where it goes, its HTML); `data-specimen` marks what is measured.
LINK_SPECIMENS = [
    ("main", '<p><a data-specimen="link in text" href="#specimen">A link in text</a></p>'),
    (
        "main",
        '<div class="card card-body"><a data-specimen="link on a card" href="#specimen">A link</a></div>',
    ),
    ("footer .container", '<a data-specimen="footer link" href="#specimen">A footer link</a>'),
    (".site-nav .nav", '<a data-specimen="main navigation link" class="nav-link" href="#specimen">Menu</a>'),
    (
        "main",
        '<ul class="nav nav-pills"><li class="nav-item"><a data-specimen="pill" class="nav-link" '
        'href="#specimen">A tab</a></li><li class="nav-item"><a data-specimen="active pill" '
        'class="nav-link active" aria-current="page" href="#specimen">This tab</a></li></ul>',
    ),
    (
        "main",
        '<ul class="nav nav-pills inbox-views"><li class="nav-item"><a data-specimen="inbox view" '
        'class="nav-link" href="#specimen">A view</a></li><li class="nav-item"><a '
        'data-specimen="active inbox view" class="nav-link active" aria-current="page" href="#specimen">'
        "This view</a></li></ul>",
    ),
    (
        "main",
        '<ul class="pagination"><li class="page-item"><a data-specimen="page link" class="page-link" '
        'href="#specimen">2</a></li><li class="page-item active" aria-current="page"><a data-specimen='
        '"current page" class="page-link" href="#specimen">3</a></li><li class="page-item disabled"><span '
        'data-specimen="disabled page link" data-disabled class="page-link">4</span></li></ul>',
    ),
]

FREEZE_AND_MEASURE = """
window.__contrast = (() => {
  const parse = (value) => {
    const numbers = value.match(/[\\d.]+/g).map(Number);
    return [numbers[0], numbers[1], numbers[2], numbers.length > 3 ? numbers[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const mix = (a, b, alpha) => [0, 1, 2].map((i) => a[i] * alpha + b[i] * (1 - alpha)).concat([1]);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (high + 0.05) / (low + 0.05);
  };
  const hex = (rgb) => "#" + rgb.slice(0, 3).map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");

  // The text colour and the colour right behind it, as painted: backgrounds composited from the root down,
  // the element's (and its ancestors') opacity blending both with what is behind the element.
  function painted(element) {
    const ancestors = [];
    for (let node = element.parentElement; node; node = node.parentElement) ancestors.unshift(node);
    let backdrop = [255, 255, 255, 1];
    let opacity = 1;
    for (const node of ancestors) {
      const style = getComputedStyle(node);
      backdrop = over(parse(style.backgroundColor), backdrop);
      opacity *= parseFloat(style.opacity);
    }
    const style = getComputedStyle(element);
    opacity *= parseFloat(style.opacity);
    const background = over(parse(style.backgroundColor), backdrop);
    const text = over(parse(style.color), background);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    return {
      text: mix(text, backdrop, opacity),
      background: mix(background, backdrop, opacity),
      needed: large ? 3 : 4.5,
    };
  }

  function measure(element) {
    const p = painted(element);
    return {
      ratio: ratio(p.text, p.background), needed: p.needed, text: hex(p.text), background: hex(p.background),
    };
  }

  // The worst moment of every running transition on the element, then its end state.
  function worst(element) {
    const running = document.getAnimations().filter((a) => a.effect && a.effect.target === element);
    let result = null;
    for (let step = 0; step <= 20; step++) {
      for (const animation of running) {
        animation.pause();
        animation.currentTime = (animation.effect.getComputedTiming().endTime * step) / 20;
      }
      const sample = measure(element);
      if (result === null || sample.ratio < result.ratio) {
        result = {...sample, moment: running.length ? step / 20 : null};
      }
      if (!running.length) break;
    }
    for (const animation of running) animation.finish();
    const end = measure(element);
    return end.ratio < result.ratio ? {...end, moment: 1} : result;
  }

  return {measure, worst};
})();
"""


def add_specimens(page) -> None:
    """Every variant as a button, a link, a small and a disabled button; each after a stop to Tab from."""
    parts = []
    for variant in variants_in_use():
        where = ".site-header .container" if variant in ON_HEADER else "main"
        for html in (
            f'<button type="button" class="btn {variant}" data-specimen="{variant} button">Save</button>',
            f'<a class="btn {variant}" href="#specimen" data-specimen="{variant} link">Open</a>',
            f'<button type="button" class="btn btn-sm {variant}" data-specimen="{variant} small">Go</button>',
            f'<button type="button" class="btn {variant}" disabled data-disabled '
            f'data-specimen="{variant} disabled">Send</button>',
        ):
            parts.append((where, html))
    parts.extend(LINK_SPECIMENS)
    page.evaluate(
        """(parts) => {
          for (const [where, html] of parts) {
            const box = document.createElement(where.endsWith('.nav') ? 'li' : 'div');
            box.className = where.endsWith('.nav') ? 'nav-item specimen' : 'specimen my-2';
            box.innerHTML = html;
            for (const specimen of box.querySelectorAll('[data-specimen]')) {
              const start = document.createElement('span');  // focused first, then Tab onto the specimen
              start.tabIndex = -1;
              start.className = 'specimen__start';
              specimen.before(start);
            }
            document.querySelector(where).appendChild(box);
          }
          // Pressing a specimen must not leave the page.
          document.addEventListener('click', (event) => event.preventDefault(), true);
        }""",
        [list(part) for part in parts],
    )


@pytest.fixture
def specimen_page(page, live_server, demo, sign_in_as):
    sign_in_as(ANNA)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/en/advisor/")
    add_specimens(page)
    page.evaluate(FREEZE_AND_MEASURE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Animation.enable")
    cdp.send("Animation.setPlaybackRate", {"playbackRate": 0})  # transitions start, and wait to be sampled
    return page


def _rest(page) -> None:
    """Pointer off, button up, focus nowhere, every transition back to its end."""
    page.mouse.up()
    page.mouse.move(0, 0)
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur();"
        " document.getAnimations().forEach((a) => a.finish()); }"
    )


def test_every_button_and_link_style_meets_contrast_in_every_state(specimen_page):
    page = specimen_page
    specimens = page.locator("[data-specimen]")
    assert specimens.count() >= 4 * len(variants_in_use())
    failures = []
    for index in range(specimens.count()):
        specimen = specimens.nth(index)
        name = specimen.get_attribute("data-specimen")
        disabled = specimen.get_attribute("data-disabled") is not None
        specimen.scroll_into_view_if_needed()
        _rest(page)
        states = {"rest": None}
        if not disabled:
            states.update({"hover": "hover", "focus": "focus", "active": "active"})
        for state, how in states.items():
            if how == "hover":
                specimen.hover()
            elif how == "focus":
                specimen.evaluate("(el) => el.previousElementSibling.focus()")
                page.keyboard.press("Tab")
                assert specimen.evaluate("(el) => el.matches(':focus-visible')"), f"{name} did not take focus"
            elif how == "active":
                specimen.hover()
                page.mouse.down()
                assert specimen.evaluate("(el) => el.matches(':active')"), f"{name} is not pressed"
            result = specimen.evaluate("(el) => window.__contrast.worst(el)")
            if result["ratio"] < result["needed"]:
                moment = (
                    "" if result["moment"] in (None, 1) else f" ({result['moment']:.0%} into the transition)"
                )
                failures.append(
                    f"{name}, {state}{moment}: {result['text']} on {result['background']} is "
                    f"{result['ratio']:.2f}:1, needs {result['needed']}:1"
                )
            _rest(page)
    assert not failures, "Too little contrast:\n" + "\n".join(failures)


def test_the_check_catches_the_half_way_hover_that_axe_reported(specimen_page):
    """The check itself: Bootstrap's own btn-outline-secondary passes at rest and hovered, but not half-way.

    (Its colours are set on the button through the CSSOM: the page's CSP allows no <style> element.)
    """
    page = specimen_page
    page.evaluate(
        """() => {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'btn bootstrap-outline-secondary';
          button.textContent = 'Hide the data table';
          const original = {
            '--bs-btn-color': '#6c757d', '--bs-btn-border-color': '#6c757d', '--bs-btn-hover-color': '#fff',
            '--bs-btn-hover-bg': '#6c757d', '--bs-btn-hover-border-color': '#6c757d',
          };
          for (const [name, value] of Object.entries(original)) button.style.setProperty(name, value);
          document.querySelector('main').prepend(button);
        }"""
    )
    button = page.locator(".bootstrap-outline-secondary")
    at_rest = button.evaluate("(el) => window.__contrast.measure(el)")
    button.hover()
    hovered = button.evaluate("(el) => window.__contrast.worst(el)")
    at_end = button.evaluate("(el) => window.__contrast.measure(el)")
    assert at_rest["ratio"] >= 4.5 and at_end["ratio"] >= 4.5  # both ends pass on their own ...
    assert hovered["ratio"] < 2 and 0 < hovered["moment"] < 1  # ... the way between them does not
