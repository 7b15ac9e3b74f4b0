"""russian-views: sourced briefings on how Moscow sees the Korean Peninsula.

The notebooks in ``notebooks/`` import this package and call one helper per cell;
everything they show is built here, where it is tested.
"""

from russian_views.errors import DataError, ParameterError, RenderError, RussianViewsError

__all__ = ["DataError", "ParameterError", "RenderError", "RussianViewsError"]
__version__ = "0.1.0"
