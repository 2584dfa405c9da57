"""The data layer: the contract, cell parsers, reading files, loading a folder and its load report.

The only code that sees raw exports. Nothing here computes a statistic; only ``example`` and
``draft`` write files (the example data; ``mapping.yml`` and ``dataset.json`` for ``init``).
Modules: ``contract`` (the fields each table may hold, each declared once), ``cells`` (one cell
in, a value or a problem out, by one hygiene rule), ``files`` (finding files by mapping, name or
headers, reading them, ``dataset.json``), ``mapping`` (``mapping.yml``: a council's own files,
headers and values), ``draft`` (``cfanalysis init``), ``problems`` (``Problem`` and the
``LoadReport``), ``teams`` (team names and aliases), ``loader`` (``load_data`` and ``Dataset``)
and ``example`` (the synthetic example data).
"""
