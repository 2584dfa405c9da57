# The project's Jupyter server settings. `make lab` uses them (JUPYTER_CONFIG_PATH=.jupyter); for
# another JupyterLab started at the project root, run
#     JUPYTER_CONFIG_PATH=.jupyter jupyter lab
# `make install` also enables the save hook for every JupyterLab started from .venv.
c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)

# Notebooks under notebooks/ are saved without outputs and with the committed metadata, so what
# is on disk is what git stores, whether or not this clone has the nbstripout filter set up.
c.ContentsManager.pre_save_hook = "cfanalysis.publish.jupyter.strip_outputs_on_save"

# Open the file browser on notebooks/ (the server's root is the project, so data/raw is reachable).
c.LabApp.default_url = "/lab/tree/notebooks"
