# Voilà's configuration for the explorer (the command points Voila.config_file_paths here,
# and only here, so no voila.py in the user's working folder is run).
from russian_views.explorer.capacity import refuse_when_full

c.VoilaConfiguration.prelaunch_hook = refuse_when_full  # noqa: F821 (c is Voilà's config)
