"""Every change of state in channels and posts (see channels.py, posts.py, reading.py)."""
