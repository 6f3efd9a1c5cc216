"""The idea box's views, one module per part: board.py (the board, the idea page, voting and
following, the implemented wall); the other parts keep theirs beside it."""
