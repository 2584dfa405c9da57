"""The analysis layer: counts, tests, team change, demand, changepoint, SPC and funnel limits.

Computation only: frames in, typed results out. No file I/O, no plotting, and nothing here
imports :mod:`cfanalysis.publish`.
"""
