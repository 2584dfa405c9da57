"""The data layer: the contract, cell parsers, reading files, loading a folder and its load report.

The only code that sees raw exports. Nothing here computes a statistic or writes a file.
"""
