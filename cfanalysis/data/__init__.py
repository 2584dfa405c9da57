"""The data layer: the contract, cell parsers, reading files, loading a folder and its load report.

The only code that sees raw exports. Nothing here computes a statistic or writes a file.
Modules: ``contract`` (the fields each table may hold), ``cells`` (one cell in, a value or a
problem out), ``files`` (finding and reading table files, ``dataset.json``), ``problems``
(``Problem`` and the ``LoadReport``), ``teams`` (team names and aliases), ``loader``
(``load_data`` and ``Dataset``) and ``example`` (the synthetic example data).
"""
