"""Rendering: jobs, notebook execution, exporters, the batch runner and its cache, batch
files, the index page and the templates."""
