"""The lesson: the seed tutorial's steps in order, and their answers predicted on the lesson snapshots (Qt-free)."""
