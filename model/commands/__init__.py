"""The destructive commands: predict, confirm, perform, compare and record — the one path that deletes."""
