"""The classroom: coding worksheets and sources, inter-coder agreement, editions."""
