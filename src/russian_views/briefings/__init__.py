"""The briefings: questions of the data, HTML built safely, charts, and each report's
sections."""
