"""The headless front end: `python main.py COMMAND` (snapshot, rmi, prune, log, export), no Qt."""
