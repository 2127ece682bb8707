"""Phone-readiness measurements made inside the browser: axe-core, text size, tap targets,
page weight. Each returns plain data; the tests decide and name what fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
MIN_FONT_PX = 16.0
MIN_TAP_PX = 44.0
FIRST_LOAD_BUDGET = 100 * 1024

# Elements whose own text is smaller than 16 px (visible text nodes only).
_SMALL_TEXT_JS = """
(minPx) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || rect.width === 0
        || rect.height === 0 || el.closest('[hidden],.visually-hidden,.sr-only')) continue;
    const px = parseFloat(style.fontSize);
    if (px < minPx) out.push({el: describe(el), px, text: node.textContent.trim().slice(0, 40)});
  }
  return out;
  function describe(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    return s;
  }
}
"""

# Interactive elements smaller than 44x44 CSS px. A radio or checkbox counts by its label (the
# label is what the thumb hits); a label for an input counts itself.
_SMALL_TARGETS_JS = """
(minPx) => {
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, label[for]';
  for (const el of document.querySelectorAll(sel)) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (el.tagName === 'INPUT' && (type === 'radio' || type === 'checkbox' || type === 'file')) {
      const label = el.closest('label')
        || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) box = label.getBoundingClientRect();
    }
    if (box.width < minPx || box.height < minPx) {
      let s = el.tagName.toLowerCase();
      if (el.id) s += '#' + el.id;
      if (el.getAttribute('name')) s += `[name=${el.getAttribute('name')}]`;
      if (el.getAttribute('for')) s += `[for=${el.getAttribute('for')}]`;
      if (el.getAttribute('href')) s += `[href=${el.getAttribute('href')}]`;
      out.push({el: s, w: Math.round(box.width), h: Math.round(box.height),
                text: (el.textContent || el.value || '').trim().slice(0, 30)});
    }
  }
  return out;
}
"""


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core on the page (the context needs ``bypass_csp=True``): one line per element
    that violates a rule with one of ``impacts``, as "rule (impact): selector"."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {node}"
        for v in result
        if v["impact"] in impacts
        for node in v["nodes"]
    ]


def small_text(page: Page) -> list[str]:
    rows = page.evaluate(_SMALL_TEXT_JS, MIN_FONT_PX)
    return [f"font-size {r['px']}px < 16: {r['el']} '{r['text']}'" for r in rows]


def small_targets(page: Page) -> list[str]:
    rows = page.evaluate(_SMALL_TARGETS_JS, MIN_TAP_PX)
    return [f"tap target {r['w']}x{r['h']} < 44: {r['el']} '{r['text']}'" for r in rows]


@dataclass
class Weight:
    """Bytes a page load moved over the network, by URL (headers + encoded body)."""

    by_url: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_url.values())

    def describe(self) -> str:
        parts = ", ".join(f"{url.split('/', 3)[-1] or '/'}={n}" for url, n in self.by_url.items())
        return f"{self.total} bytes ({parts})"


def measure_load(page: Page, url: str, **goto: Any) -> Weight:
    """Load ``url`` in ``page`` and add up what every response cost on the wire (a response
    served from the browser's cache costs nothing)."""
    responses: list[Response] = []

    def collect(response: Response) -> None:
        responses.append(response)

    page.on("response", collect)
    try:
        page.goto(url, wait_until="load", **goto)  # stylesheets, scripts, images: all in
    finally:
        page.remove_listener("response", collect)
    weight = Weight()
    for response in responses:
        response.finished()
        sizes = response.request.sizes()
        cost = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if response.from_service_worker:
            cost = 0
        weight.by_url[response.url] = weight.by_url.get(response.url, 0) + cost
    return weight
