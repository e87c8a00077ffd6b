"""Talking to engines: reading snapshots (validated here), the image cache, events, and sending deletes."""
