"""The sufficiency forecast: how many children, in which placements, at what cost, over the next years
(issue 18).

A stock-and-flow (Markov) model of the children looked after, by age band and placement category, one
month at a time, with its rates estimated from the app's own history: the one definition of looked after
(``placements.care``'s ``CareSegment`` rows, their category from the placement). The method follows
Social Finance's regional demand model (stock by state, transitions over the stock the day before,
entrants as numbers, ageing out of a band), on month ends rather than days.

- ``history``: the children's state (age band, category) at each month's end, and the flows between.
- ``rates``: each estimate as one named function (entries, exits, moves between categories, ageing).
- ``model``: the projection, its interval (simulated from bootstrapped reference months) and the
  fitted forecast, cached under the data version.
- ``backtest``: the model fitted on the data up to a past date, compared with what then happened.
- ``scenarios``: what a saved scenario changes (entry rates, step-down, in-house carers, fee uplifts).
- ``costs``: each month costed from the cost lines in force, against the budgets, and the sufficiency
  of the places the authority holds.
- ``charts``: the page's figures, each with its numbers beneath (as ``tracker.charts``).
"""
