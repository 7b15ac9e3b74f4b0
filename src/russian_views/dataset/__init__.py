"""The dataset: its schema, its source texts, checking the tables and loading them."""
