"""The publishing layer: display objects, suppression, report sections, outputs and the runner.

Turns analysis results into what readers see (HTML, CSV, ``summary.json``) and checks every
output for personal data before it is written.
"""
