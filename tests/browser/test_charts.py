"""The dashboard's charts as drawn, on the demo (issue 16 item 8): month bars wide enough to see, labels
clear of the legend at phone width, titles above the figure rather than under Plotly's toolbar."""

from __future__ import annotations

import pytest
from django.utils import timezone

from placements.demo import demo_authority_build
from tests.browser.waits import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

#: Every drawn bar's width in px, per chart: bars with a height (a bar of 0 draws nothing to measure).
BAR_WIDTHS = """(id) => [...document.querySelectorAll(`#${id} .barlayer .point path`)]
    .map((path) => path.getBBox()).filter((box) => box.height > 0).map((box) => box.width)"""

#: Pairs of x-axis tick labels and legend entries whose boxes overlap on the screen.
LABELS_INTO_LEGEND = """(id) => {
  const boxes = (selector) => [...document.querySelectorAll(`#${id} ${selector}`)].map((e) => e.getBoundingClientRect());
  const ticks = boxes(".xaxislayer-above .xtick text"), legend = boxes(".legend .traces");
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return ticks.flatMap((t) => legend.filter((l) => meet(t, l)).map((l) => [t.toJSON(), l.toJSON()]));
}"""

#: The chart's heading ends above the figure (nothing of it inside Plotly's drawing, under the toolbar).
TITLE_ABOVE = """(id) => {
  const title = document.getElementById(`${id}-title`).getBoundingClientRect();
  const figure = document.querySelector(`#${id} .app-chart__figure`).getBoundingClientRect();
  return title.bottom <= figure.top && title.right <= document.documentElement.clientWidth
    && !document.querySelector(`#${id} .gtitle`);
}"""


def drawn_charts(tab) -> list[str]:
    count = tab.page.locator("[data-figure]").count()
    wait_until(tab.page, f"document.querySelectorAll('.app-chart__figure .main-svg').length >= {count}")
    return tab.page.eval_on_selector_all("section.app-chart:has([data-figure])", "(all) => all.map((s) => s.id)")


def test_every_month_bar_is_wide_enough_to_see(tab):
    demo_authority_build(children=60, today=timezone.localdate(), seed=1)
    tab.log_in("admin")
    tab.open("/tracker/dashboard/")
    charts = drawn_charts(tab)
    assert {"demand", "mix", "cost-avoidance", "consolidation", "new-by-team"} <= set(charts)
    for chart in ("demand", "mix", "cost-avoidance"):
        widths = tab.page.evaluate(BAR_WIDTHS, chart)
        assert widths, f"{chart}: no bars drawn"
        assert min(widths) >= 4, f"{chart}: a bar {min(widths):.1f} px wide"
    for chart in charts:
        assert tab.page.evaluate(TITLE_ABOVE, chart), f"{chart}: the title is not above the figure"
    tab.assert_no_problems()


def test_at_phone_width_axis_labels_stay_clear_of_the_legend(chromium, live_server, axe_source):
    from tests.browser.conftest import Tab

    demo_authority_build(children=60, today=timezone.localdate(), seed=1)
    context = chromium.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    try:
        tab = Tab(context.new_page(), live_server.url, axe_source)
        tab.log_in("admin")
        tab.open("/tracker/dashboard/")
        charts = drawn_charts(tab)
        assert "forecast" in charts
        for chart in charts:
            assert tab.page.evaluate(LABELS_INTO_LEGEND, chart) == [], f"{chart}: an axis label runs into the legend"
            assert tab.page.evaluate(TITLE_ABOVE, chart), f"{chart}: the title is not above the figure"
        tab.assert_no_problems()
    finally:
        context.close()
